using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Lava.Actors.Tests.Lab;

/// <summary>
/// A fact of a lab spec written once for both engines: in a class marked <see cref="PostgresSpecAttribute"/> it is
/// skipped when no PostgreSQL server is configured (see <see cref="PostgresTestDatabases.SkipReason"/>).
/// </summary>
[XunitTestCaseDiscoverer("Lava.Actors.Tests.Lab.LabFactDiscoverer", "Lava.Actors.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabFactAttribute : FactAttribute;

/// <summary>Marks a spec class whose facts need the PostgreSQL server in LAVA_TEST_POSTGRES.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PostgresSpecAttribute : Attribute;

/// <summary>Finds <see cref="LabFactAttribute"/> facts and skips those of PostgreSQL specs without a server.</summary>
public sealed class LabFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        testMethod.TestClass.Class.GetCustomAttributes(typeof(PostgresSpecAttribute)).Any() && PostgresTestDatabases.SkipReason is { } reason
            ? new XunitSkippedDataRowTestCase(
                DiagnosticMessageSink,
                discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod,
                reason)
            : base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
}
