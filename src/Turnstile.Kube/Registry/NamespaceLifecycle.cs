using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry.Strategies;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Registry;

/// <summary>
/// Namespaces from birth to removal, as kube-apiserver's NamespaceLifecycle admission, the namespace REST storage
/// and the namespace controller do it together: no content in a missing namespace (404) or, for creates, in a
/// terminating one (403); the built-in namespaces cannot be deleted; deleting a namespace marks it Terminating, its
/// content is deleted (objects with finalizers are marked and waited for), the <c>kubernetes</c> finalizer is
/// removed, then the namespace itself.
/// </summary>
public sealed class NamespaceLifecycle : IAsyncDisposable
{
    private static readonly string[] Immortal = ["default", "kube-system", "kube-public"];
    private const string ContentRemaining =
        "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.";

    private readonly KubeRegistry _registry;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string Cluster, string Name), Task> _running = new();

    internal NamespaceLifecycle(KubeRegistry registry) => _registry = registry;

    private KubeStorage Storage => _registry.Storage;

    private static ObjectKey NamespaceKey(string cluster, string name) =>
        new(StateKey.KubeObject(cluster, "", "namespaces", null, name), "/registry/namespaces/" + name);

    /// <summary>The admission check for a write of namespaced content.</summary>
    /// <exception cref="KubeApiException">404 for a missing namespace, 403 for a create in a terminating one.</exception>
    public async Task AdmitAsync(RegistryRequest request, KubeObject? obj, bool creating, CancellationToken cancellationToken)
    {
        var resource = request.Resource;
        if (!resource.Namespaced || request.Namespace.Length == 0) return;
        var key = NamespaceKey(request.Cluster, request.Namespace).Key;
        var ns = Storage.Cache.Current.Get(key) ?? (await Storage.Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false)).Get(key);
        if (ns is null) throw new KubeApiException(KubeStatus.NotFound("", "namespaces", request.Namespace));
        if (!creating || Phase(KubeObject.Parse(ns.Value)) != "Terminating") return;
        var name = request.Name.Length > 0 ? request.Name
            : obj?.Name.Length > 0 ? obj.Name
            : obj?.GenerateName.Length > 0 ? obj.GenerateName
            : "Unknown";
        var forbidden = KubeStatus.ForbiddenFor(resource.Group, resource.Resource, name,
            $"unable to create new content in namespace {request.Namespace} because it is being terminated");
        throw new KubeApiException(forbidden with
        {
            Details = forbidden.Details! with
            {
                Causes = [new StatusCause("NamespaceTerminating", $"namespace {request.Namespace} is being terminated", "metadata.namespace")],
            },
        });
    }

    /// <summary>DELETE of a namespace: the first marks it Terminating and starts removing its content.</summary>
    public async Task<DeleteOutcome> DeleteAsync(RegistryRequest request, DeleteOptions options, CancellationToken cancellationToken)
    {
        var name = request.Name;
        if (Immortal.Contains(name))
            throw new KubeApiException(KubeStatus.ForbiddenFor("", "namespaces", name, "this namespace may not be deleted"));
        var key = NamespaceKey(request.Cluster, name);
        var current = (await Storage.GetAsync(key.Key, "", cancellationToken).ConfigureAwait(false)
                       ?? throw KubeRegistry.NotFound(request.Resource, name)).ToObject();
        if (options.Preconditions?.Uid is { } uid && uid != current.Uid)
            throw new KubeApiException(KubeStatus.Conflict("", "namespaces", name,
                $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}"));
        if (options.Preconditions?.ResourceVersion is { } rv && rv != current.ResourceVersion)
            throw new KubeApiException(KubeStatus.Conflict("", "namespaces", name,
                $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.ResourceVersion}"));
        if (current.DeletionTimestamp.Length == 0)
        {
            KubeObject terminating;
            try
            {
                terminating = await Storage.GuaranteedUpdateAsync(key, false, new Preconditions(Uid: current.Uid), existing =>
                {
                    if (existing!.DeletionTimestamp.Length == 0) existing.DeletionTimestamp = _registry.Options.Now();
                    if (existing["status"] is not JsonObject status) existing["status"] = status = new JsonObject();
                    status["phase"] = "Terminating";
                    if (options.OrphanDependents == false) existing.SetFinalizers(existing.Finalizers.Where(f => f != "orphan").ToList());
                    return ValueTask.FromResult(existing);
                }, request.DryRun, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException e)
            {
                throw new KubeApiException(e.Code == StorageErrorCode.KeyNotFound
                    ? KubeStatus.NotFound("", "namespaces", name)
                    : KubeStatus.Conflict("", "namespaces", name, e.Message));
            }
            if (!request.DryRun) Start(request.Cluster, name);
            return new DeleteOutcome(terminating, false, false);
        }
        if (KubeObject.StringList((current["spec"] as JsonObject)?["finalizers"]).Count > 0)
            throw new KubeApiException(KubeStatus.Conflict("", "namespaces", name, ContentRemaining));
        try
        {
            var deleted = await Storage.DeleteAsync(key, options.Preconditions, null, request.DryRun, cancellationToken).ConfigureAwait(false);
            return new DeleteOutcome(deleted, true, false);
        }
        catch (StorageException e)
        {
            throw new KubeApiException(e.Code == StorageErrorCode.KeyNotFound
                ? KubeStatus.NotFound("", "namespaces", name)
                : KubeStatus.Conflict("", "namespaces", name, e.Message));
        }
    }

    /// <summary>Resumes the removal of every terminating namespace of every cluster (after a restart), then returns.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        var view = await Storage.Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
        foreach (var kv in view.List("/kube/"))
        {
            var parts = kv.Key.Split('/');
            if (parts is not ["", "kube", _, "core", "namespaces", _]) continue;
            if (KubeObject.Parse(kv.Value).DeletionTimestamp.Length > 0) Start(StateKey.Unescape(parts[2]), StateKey.Unescape(parts[5]));
        }
    }

    private void Start(string cluster, string name)
    {
        if (_stop.IsCancellationRequested) return;
        _running.AddOrUpdate((cluster, name),
            _ => Task.Run(() => RunAsync(cluster, name)),
            (_, existing) => existing.IsCompleted ? Task.Run(() => RunAsync(cluster, name)) : existing);
    }

    private async Task RunAsync(string cluster, string name)
    {
        try
        {
            await FinalizeAsync(cluster, name, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _running.TryRemove((cluster, name), out _);
        }
    }

    /// <summary>
    /// The namespace controller for one namespace: deletes its content, waits for objects held by finalizers, then
    /// removes the namespace. Returns when the namespace is gone, or is not terminating, or only its own finalizers remain.
    /// </summary>
    public async Task FinalizeAsync(string cluster, string name, CancellationToken cancellationToken = default)
    {
        var key = NamespaceKey(cluster, name);
        while (true)
        {
            var view = await Storage.Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
            if (view.Get(key.Key) is not { } nsValue || KubeObject.Parse(nsValue.Value).DeletionTimestamp.Length == 0) return;
            var content = Content(view, cluster, name).ToList();
            foreach (var (kv, group, resource) in content)
                await DeleteContentAsync(cluster, name, kv, group, resource, cancellationToken).ConfigureAwait(false);
            var after = await Storage.Cache.ReadFreshAsync(cancellationToken).ConfigureAwait(false);
            if (!Content(after, cluster, name).Any())
            {
                await RemoveAsync(key, cancellationToken).ConfigureAwait(false);
                return;
            }
            // Objects held by finalizers: wait for the next change in the cluster, then look again.
            try
            {
                await foreach (var _ in Storage.Cache.WatchAsync(StateKey.Kube(cluster), after.Revision, cancellationToken).ConfigureAwait(false)) break;
            }
            catch (RevisionCompactedException)
            {
            }
        }
    }

    private static IEnumerable<(KeyValue Value, string Group, string Resource)> Content(IStateView view, string cluster, string ns)
    {
        foreach (var kv in view.List(StateKey.Kube(cluster)))
        {
            var parts = kv.Key.Split('/');
            if (parts.Length == 7 && StateKey.Unescape(parts[5]) == ns && !parts[3].StartsWith('_'))
                yield return (kv, StateKey.Unescape(parts[3]), StateKey.Unescape(parts[4]));
        }
    }

    private async Task DeleteContentAsync(string cluster, string ns, KeyValue kv, string group, string resourceName, CancellationToken cancellationToken)
    {
        var apiGroup = group == StateKey.CoreGroup ? "" : group;
        var obj = StoredObject.From(kv).ToObject();
        var resource = _registry.KnownResource(apiGroup, resourceName)
                       ?? (ApiResourceCatalog.Eks.FindPreferred(apiGroup, resourceName) is { } api ? _registry.Resource(api) : null);
        var key = new ObjectKey(kv.Key, kv.Key);
        try
        {
            if (obj.Finalizers.Count > 0)
            {
                if (obj.DeletionTimestamp.Length > 0) return;
                await Storage.GuaranteedUpdateAsync(key, false, null, current =>
                {
                    if (current!.Finalizers.Count > 0) _registry.MarkAsDeleting(current);
                    return ValueTask.FromResult(current);
                }, false, cancellationToken).ConfigureAwait(false);
                return;
            }
            await Storage.DeleteAsync(key, null, current =>
            {
                if (resource is null) return ValueTask.FromResult<TxnExtras?>(null);
                var context = new StrategyContext { Cluster = cluster, Resource = resource, Options = _registry.Options, View = Storage.Cache.Current };
                resource.Strategy.OnDelete(context, current);
                return ValueTask.FromResult<TxnExtras?>(context.Operations.Count == 0 ? null : new TxnExtras([], context.Operations));
            }, false, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.KeyNotFound)
        {
        }
    }

    // The last step of the controller: drop the kubernetes finalizer, then delete the namespace unless metadata finalizers hold it.
    private async Task RemoveAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            var finalized = await Storage.GuaranteedUpdateAsync(key, false, null, current =>
            {
                if (current!["spec"] is JsonObject spec)
                {
                    var remaining = KubeObject.StringList(spec["finalizers"]).Where(f => f != NamespaceStrategy.KubernetesFinalizer).ToList();
                    if (remaining.Count == 0) spec.Remove("finalizers");
                    else spec["finalizers"] = new JsonArray(remaining.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
                }
                return ValueTask.FromResult(current);
            }, false, cancellationToken).ConfigureAwait(false);
            if (finalized.Finalizers.Count == 0 && KubeObject.StringList((finalized["spec"] as JsonObject)?["finalizers"]).Count == 0)
                await Storage.DeleteAsync(key, new Preconditions(Uid: finalized.Uid), null, false, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.KeyNotFound or StorageErrorCode.InvalidObj)
        {
        }
    }

    private static string Phase(KubeObject ns) => KubeObject.String(ns["status"] as JsonObject, "phase");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_running.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
