using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary><c>/results/N</c>: a job's suites and test cases (the first thousand), each linking to its log line.</summary>
internal sealed class ResultsModel(JobGateway gateway, ResultsStore results) : UiPage
{
    private const int MaxCases = 1000;

    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public JobRow? Job { get; private set; }

    public IReadOnlyList<StoredTestCase> Cases { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Job = await gateway.FindAsync(Id, Viewer, ct);
        if (Job is null) return NotFound();
        Cases = await results.ListCasesAsync(Id, limit: MaxCases, cancellationToken: ct);
        return Page();
    }
}
