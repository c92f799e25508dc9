namespace Lava.Devices.TestShell;

/// <summary>A signal a test shell printed on the console (§6.3), as <see cref="SignalParser"/> reads it.</summary>
public abstract record ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_STARTRUN N_name UUID&gt;</c>: a test definition's run.sh began.</summary>
public sealed record StartRun(string Definition, string Uuid) : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_ENDRUN N_name UUID&gt;</c>: a test definition's run.sh reached its end.</summary>
public sealed record EndRun(string Definition, string Uuid) : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_STARTTC ID&gt;</c>: <c>lava-test-case ID --shell</c> starts its command.</summary>
public sealed record StartTestCase(string Id) : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_ENDTC ID&gt;</c>: <c>lava-test-case ID --shell</c> ended its command.</summary>
public sealed record EndTestCase(string Id) : ShellSignal;

/// <summary>
/// <c>&lt;LAVA_SIGNAL_TESTCASE TEST_CASE_ID=… RESULT=… [MEASUREMENT=…] [UNITS=…]&gt;</c>, with every key=value pair
/// (keys lower-cased) in <see cref="Fields"/>. The result is raw: the definition's fixupdict is applied by the session.
/// </summary>
public sealed record TestCase(string Id, string Result, string? Measurement, string? Units, IReadOnlyDictionary<string, string> Fields) : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_TESTSET START NAME&gt;</c>.</summary>
public sealed record TestSetStart(string Name) : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_TESTSET STOP&gt;</c>.</summary>
public sealed record TestSetStop : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_TESTRAISE MESSAGE&gt;</c>: the test aborts its action with a TestError.</summary>
public sealed record TestRaise(string Message) : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_TESTREFERENCE ID RESULT URL&gt;</c>.</summary>
public sealed record TestReference(string Id, string Result, string Url) : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_TESTEVENT MESSAGE&gt;</c>.</summary>
public sealed record TestEvent(string Message) : ShellSignal;

/// <summary><c>&lt;LAVA_SIGNAL_TESTFEEDBACK NAMESPACE&gt;</c>.</summary>
public sealed record TestFeedback(string Namespace) : ShellSignal;

/// <summary><c>&lt;LAVA_TEST_RUNNER EXIT&gt;</c>: lava-test-runner finished.</summary>
public sealed record RunnerExit : ShellSignal;

/// <summary><c>&lt;LAVA_TEST_RUNNER INSTALL_FAIL&gt;</c>: a definition's install.sh failed.</summary>
public sealed record RunnerInstallFail : ShellSignal;

/// <summary>
/// <c>&lt;LAVA_MULTI_NODE&gt; &lt;LAVA_SEND ID k=v…&gt;</c> and the other MultiNode calls: <see cref="Api"/> is
/// <c>LAVA_SEND</c>, <c>LAVA_WAIT</c>, <c>LAVA_WAIT_ALL</c> or <c>LAVA_SYNC</c>; the helper waits for the answer.
/// </summary>
public sealed record MultinodeRequest(string Api, string MessageId, IReadOnlyList<string> Arguments) : ShellSignal;

/// <summary>A signal that could not be read (truncated, unknown, missing parameters): reported, never thrown.</summary>
public sealed record MalformedSignal(string Text, string Reason) : ShellSignal;
