using Lava.Actors.Jobs.Definition;

namespace Lava.Host.Master.Gateway.Lab;

/// <summary>
/// What <c>scheduler.jobs.validate</c> and <c>POST /jobs/validate/</c> answer: LAVA's strict schema, with the error's
/// path as Python prints it. LAVA fails with an internal error on YAML that does not parse; here that is an error
/// whose path is the definition and whose message names the line and column.
/// </summary>
internal static class JobValidation
{
    /// <summary>The path of a YAML syntax error, which has no key to point at.</summary>
    public const string SyntaxErrorPath = "definition";

    public static StrictSchema.Error? Validate(string definition, bool strict)
    {
        object? tree;
        try
        {
            tree = JobDefinitionParser.Parse(definition);
        }
        catch (JobDefinitionSyntaxException e)
        {
            return new StrictSchema.Error(SyntaxErrorPath, SyntaxMessage(e));
        }

        return StrictSchema.Validate(tree, strict);
    }

    public static string SyntaxMessage(JobDefinitionSyntaxException e) => $"invalid YAML at line {e.Line}, column {e.Column}: {e.Reason}";
}
