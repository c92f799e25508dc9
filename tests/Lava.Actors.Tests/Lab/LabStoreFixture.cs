using Lava.Actors.Lab;
using Lava.Actors.Lab.Sqlite;

namespace Lava.Actors.Tests.Lab;

/// <summary>A lab database of its own per test, in a temporary directory deleted afterwards.</summary>
internal sealed class LabStoreFixture : IAsyncDisposable
{
    private LabStoreFixture(string directory, SqliteLabStore store)
    {
        Directory = directory;
        Store = store;
        Admission = new WorkerAdmission(store);
        Administration = new WorkerAdministration(store, Admission);
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "lava.db");

    public SqliteLabStore Store { get; }

    public WorkerAdmission Admission { get; }

    public WorkerAdministration Administration { get; }

    public static async Task<LabStoreFixture> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "lava-lab-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return new LabStoreFixture(directory, await SqliteLabStore.OpenAsync(Path.Combine(directory, "lava.db")));
    }

    public ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the directory can go.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Records what an observable publishes; publication is synchronous, so no waiting is needed.</summary>
internal sealed class RecordingObserver<T> : IObserver<T>
{
    public List<T> Received { get; } = [];

    public void OnCompleted()
    {
    }

    public void OnError(Exception error) => throw error;

    public void OnNext(T value) => Received.Add(value);
}
