using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry;
using Turnstile.Kube.Storage;
using Turnstile.Kube.Watch;

namespace Turnstile.Kube.Handlers;

public sealed partial class KubeApiHandlers
{
    private const string InitialEventsAnnotation = "k8s.io/initial-events-end";

    // kube's serveWatchHandler: a JSON stream of {"type":...,"object":...} lines until the client leaves or the
    // timeout (timeoutSeconds, or a random 1-2x the minimum request timeout) passes.
    private async Task<KubeResponse> WatchAsync(KubeRequest request, RegistryRequest scope, ListOptions options, SelectionPredicate predicate,
        OutputType output, TableOptions table, CancellationToken cancellationToken)
    {
        // A watch-list stream (initial events ended by a bookmark) is never converted to a Table.
        if (output.Transform == OutputTransform.Table && options.SendInitialEvents == true && options.AllowWatchBookmarks)
            output = MediaTypes.Negotiate(request.Accept, transforms: false) ?? OutputType.Json;
        if (output.Format != OutputFormat.Json || output.Transform is not (OutputTransform.None or OutputTransform.Table))
            throw new KubeApiException(MediaTypes.NotAcceptable(["application/json;stream=watch"]));
        var timeout = options.TimeoutSeconds is > 0
            ? TimeSpan.FromSeconds(options.TimeoutSeconds.Value)
            : _watch.MinRequestTimeout * (1 + _registry.Options.Random.NextDouble());
        var time = _registry.Storage.Time;
        var events = await _registry.WatchAsync(scope, new WatchQuery
        {
            ResourceVersion = options.ResourceVersion,
            SendInitialEvents = options.SendInitialEvents,
            AllowWatchBookmarks = options.AllowWatchBookmarks,
            Predicate = predicate,
            BookmarkInterval = _watch.BookmarkInterval,
            Deadline = time.GetUtcNow() + timeout,
        }, cancellationToken).ConfigureAwait(false);
        var encoder = new WatchEventEncoder(this, scope.Resource, output.Transform == OutputTransform.Table ? table : null, output.TransformVersion);
        return new KubeResponse
        {
            StatusCode = 200,
            ContentType = "application/json",
            Stream = (stream, cancellationToken) => StreamAsync(events, encoder, stream, timeout, time, cancellationToken),
        };
    }

    private static async Task StreamAsync(IAsyncEnumerable<KubeWatchEvent> events, WatchEventEncoder encoder, Stream stream, TimeSpan timeout,
        TimeProvider time, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = time.CreateTimer(_ => stop.Cancel(), null, timeout, Timeout.InfiniteTimeSpan);
        try
        {
            await foreach (var e in events.WithCancellation(stop.Token).ConfigureAwait(false))
            {
                await stream.WriteAsync(encoder.Encode(e), stop.Token).ConfigureAwait(false);
                await stream.FlushAsync(stop.Token).ConfigureAwait(false);
                if (e.Type == WatchEventType.Error) return;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The client went away.
        }
    }

    /// <summary>Encodes the events of one watch (a Table watch sends column definitions only with its first event).</summary>
    private sealed class WatchEventEncoder(KubeApiHandlers handlers, RegistryResource resource, TableOptions? table, string tableVersion)
    {
        private bool _headersSent;

        public byte[] Encode(KubeWatchEvent e)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            buffer.Write(Encoding.UTF8.GetBytes("{\"type\":\"" + e.TypeName + "\",\"object\":"));
            buffer.Write(e.Type switch
            {
                WatchEventType.Error => e.Error!.ToJsonBytes().AsSpan()[..^1],
                WatchEventType.Bookmark => Embedded(Bookmark(e)),
                _ => table is null ? Responses.ObjectJson(resource, e.Object!) : Embedded(e.Object!.ToObject()),
            });
            buffer.Write("}\n"u8);
            return buffer.WrittenSpan.ToArray();
        }

        private byte[] Embedded(KubeObject obj)
        {
            if (table is null) return obj.ToJsonBytes();
            var options = table with { NoHeaders = table.NoHeaders || _headersSent };
            _headersSent = true;
            obj.Kind = resource.Kind;
            obj.ApiVersion = resource.Api.GroupVersion;
            return KubeJson.Serialize(handlers._responses.Table(resource, [obj], null, tableVersion, options));
        }

        // A bookmark carries only a resourceVersion (and the initial-events-end annotation). Built-in kinds print
        // their zero creationTimestamp; custom resources are unstructured, with members in key order.
        private KubeObject Bookmark(KubeWatchEvent e)
        {
            var metadata = new JsonObject();
            var rv = e.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (resource.IsCustom)
            {
                if (e.InitialEventsEnd) metadata["annotations"] = new JsonObject { [InitialEventsAnnotation] = "true" };
                metadata["resourceVersion"] = rv;
                return new KubeObject(new JsonObject { ["apiVersion"] = resource.Api.GroupVersion, ["kind"] = resource.Kind, ["metadata"] = metadata });
            }
            metadata["resourceVersion"] = rv;
            metadata["creationTimestamp"] = null;
            if (e.InitialEventsEnd) metadata["annotations"] = new JsonObject { [InitialEventsAnnotation] = "true" };
            return new KubeObject(new JsonObject { ["kind"] = resource.Kind, ["apiVersion"] = resource.Api.GroupVersion, ["metadata"] = metadata });
        }
    }
}
