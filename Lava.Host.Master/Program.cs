using System.Reflection;

var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();

var version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
app.MapGet("/api/v0.2/system/version/", () => Results.Json(new { version }));

app.Run();
