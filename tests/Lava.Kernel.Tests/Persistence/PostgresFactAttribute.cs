using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>
/// A fact that needs the PostgreSQL server of <c>LAVA_TEST_POSTGRES</c> (and, with <see cref="NeedsServerControl"/>,
/// the pg_ctl variables): skipped when they are absent, unless <c>CI=true</c>, where the test runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>The test stops and starts the server.</summary>
    public bool NeedsServerControl { get; set; }

    public override string? Skip
    {
        get => base.Skip ?? PostgresTestEnvironment.SkipReason(NeedsServerControl);
        set => base.Skip = value;
    }
}

/// <summary>Marks a test class whose <see cref="StoreFactAttribute"/> tests need PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>
/// A fact of a shared conformance suite: declared once in an abstract base class, run per derived class, and
/// skipped under the <see cref="PostgresFactAttribute"/> rule when the derived class has <see cref="RequiresPostgresAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Lava.Kernel.Tests.Persistence.StoreFactDiscoverer", "Lava.Kernel.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests as <see cref="StoreTestCase"/>s.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A test case whose skip reason depends on the class that runs it, not only on the attribute.</summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer", error: true)]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(sink, display, options, testMethod)
    {
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute)
    {
        var needsPostgres = TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute).AssemblyQualifiedName).Any();
        return (needsPostgres ? PostgresTestEnvironment.SkipReason(needsServerControl: false) : null) ?? base.GetSkipReason(factAttribute);
    }
}
