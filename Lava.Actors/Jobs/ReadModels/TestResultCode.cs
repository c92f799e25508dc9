namespace Lava.Actors.Jobs.ReadModels;

/// <summary>A test case's result as LAVA stores it (<c>TestCase.result</c>), and its names in results and exports.</summary>
public enum TestResultCode
{
    Pass = 0,
    Fail = 1,
    Skip = 2,
    Unknown = 3,
}

/// <summary>Maps <see cref="TestResultCode"/> to LAVA's result names (<c>pass</c>, <c>fail</c>, <c>skip</c>, <c>unknown</c>).</summary>
public static class TestResultCodes
{
    /// <summary>The code of <paramref name="result"/>; any name LAVA does not know is <see cref="TestResultCode.Unknown"/>, as LAVA stores it.</summary>
    public static TestResultCode Parse(string result) => result switch
    {
        "pass" => TestResultCode.Pass,
        "fail" => TestResultCode.Fail,
        "skip" => TestResultCode.Skip,
        _ => TestResultCode.Unknown,
    };

    /// <summary>LAVA's name of <paramref name="code"/>.</summary>
    public static string Name(TestResultCode code) => code switch
    {
        TestResultCode.Pass => "pass",
        TestResultCode.Fail => "fail",
        TestResultCode.Skip => "skip",
        _ => "unknown",
    };
}
