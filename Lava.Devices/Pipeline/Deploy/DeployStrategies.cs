using Lava.Actors.Jobs.Definition;

namespace Lava.Devices.Pipeline.Deploy;

/// <summary>
/// Deploy actions that download the job's images into the job directory (where the worker serves them to boards):
/// LAVA's <c>deployimages</c> (<c>to: tmpfs</c>), <c>tftp-deploy</c>, <c>nfs-deploy</c> and the like, each with one
/// <c>http-download</c>/<c>file-download</c> child per image.
/// </summary>
public static class DeployStrategies
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["tmpfs"] = "deployimages",
        ["tftp"] = "tftp-deploy",
        ["nfs"] = "nfs-deploy",
        ["downloads"] = "downloads",
        ["download"] = "download-deploy",
        ["flasher"] = "deploy-flasher",
    };

    /// <summary>The deploy <c>to</c> values this factory serves.</summary>
    public static IEnumerable<string> Targets => Names.Keys;

    /// <summary>Builds the deploy action: images from <c>images: {label: image}</c> and from top-level image maps (<c>kernel</c>, <c>ramdisk</c>...).</summary>
    public static PipelineAction Downloads(JobAction action, DeviceConfiguration device, List<string> errors)
    {
        var to = action.Block.GetValueOrDefault("to") as string ?? "";
        var images = new List<PipelineAction>();
        foreach (var (key, value) in action.Block)
        {
            if (key is "images" && value is OrderedDictionary<object, object?> map)
            {
                images.AddRange(map.Where(kv => kv.Value is OrderedDictionary<object, object?>)
                    .Select(kv => Image(kv.Key.ToString()!, (OrderedDictionary<object, object?>)kv.Value!, errors)));
            }
            else if (value is OrderedDictionary<object, object?> image && image.ContainsKey("url"))
            {
                images.Add(Image(key.ToString()!, image, errors));
            }
        }
        if (images.Count == 0 && to is "tmpfs" or "flasher" or "downloads")
        {
            errors.Add($"No images to deploy to '{to}'");
        }
        return new Boot.ActionGroup(Names.GetValueOrDefault(to, $"{to}-deploy"), images);
    }

    private static DownloadAction Image(string label, OrderedDictionary<object, object?> image, List<string> errors)
    {
        if (image.GetValueOrDefault("url") is not string url || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            errors.Add($"Invalid URL for '{label}': {image.GetValueOrDefault("url")}");
            return new DownloadAction(label, new Uri("file:///dev/null"), image);
        }
        if (uri.Scheme is not ("http" or "https" or "file"))
        {
            errors.Add($"Unsupported url protocol scheme: {uri.Scheme}");
        }
        return new DownloadAction(label, uri, image);
    }
}
