using System.Collections.Concurrent;
using System.Globalization;
using Turnstile.Core.Kube;
using Turnstile.Kube.Registry.Strategies;
using Turnstile.Kube.Storage;
using Turnstile.Kube.Watch;
using Turnstile.State;

namespace Turnstile.Kube.Registry;

/// <summary>The result of a delete: the object (deleted, or marked for deletion while finalizers remain) and how to answer.</summary>
/// <param name="Deleted">False when the object still exists (finalizers pending, or a namespace now terminating).</param>
/// <param name="AnswerWithStatus">True when kube answers with a Success Status naming the object rather than the object itself.</param>
public sealed record DeleteOutcome(KubeObject Object, bool Deleted, bool AnswerWithStatus);

/// <summary>
/// kube-apiserver's generic registry (<c>genericregistry.Store</c>) for every resource of every emulated cluster:
/// create (with generateName and its retries), get, list, watch, update (conditional or not, create-on-update),
/// delete (preconditions, finalizers), deletecollection, the status subresource, dry runs, and the namespace
/// lifecycle. Kind-specific behaviour comes from each resource's <see cref="KindStrategy"/>.
/// </summary>
public sealed class KubeRegistry : IAsyncDisposable
{
    public const string OptimisticLockMessage = "the object has been modified; please apply your changes to the latest version and try again";
    private const int GenerateNameAttempts = 8;
    private const int ClaimAttempts = 16;

    private readonly IReadOnlyList<IKubeAdmission> _admission;
    private readonly ConcurrentDictionary<(string Group, string Version, string Resource), RegistryResource> _resources = new();
    private readonly ConcurrentDictionary<(string Group, string Resource), RegistryResource> _byResource = new();

    public KubeRegistry(KubeStorage storage, RegistryOptions? options = null, IReadOnlyList<IKubeAdmission>? admission = null)
    {
        Storage = storage;
        Options = options ?? new RegistryOptions();
        _admission = admission ?? [];
        Namespaces = new NamespaceLifecycle(this);
    }

    public KubeStorage Storage { get; }

    public RegistryOptions Options { get; }

    public NamespaceLifecycle Namespaces { get; }

    /// <summary>The registry's view of an API resource (its strategy chosen once).</summary>
    public RegistryResource Resource(ApiResource api)
    {
        var resource = _resources.GetOrAdd((api.Group, api.Version, api.Name), _ => new RegistryResource(api, StrategyCatalog.For(api)));
        _byResource.TryAdd((api.Group, api.Name), resource);
        return resource;
    }

    /// <summary>A resource the registry has served by group and plural (any version), for keys found in storage.</summary>
    internal RegistryResource? KnownResource(string group, string resource) => _byResource.GetValueOrDefault((group, resource));

    // ---- reads ----

    /// <exception cref="KubeApiException">404 when absent.</exception>
    public async Task<StoredObject> GetAsync(RegistryRequest request, string resourceVersion, CancellationToken cancellationToken = default)
    {
        var key = request.Resource.KeyOf(request.Cluster, request.Namespace, request.Name);
        return await Storage.GetAsync(key.Key, resourceVersion, cancellationToken).ConfigureAwait(false)
               ?? throw NotFound(request.Resource, request.Name);
    }

    public Task<ListPage> ListAsync(RegistryRequest request, ListQuery query, CancellationToken cancellationToken = default) =>
        Storage.ListAsync(request.Resource.PrefixOf(request.Cluster, request.Namespace), query, cancellationToken);

    public Task<IAsyncEnumerable<KubeWatchEvent>> WatchAsync(RegistryRequest request, WatchQuery query, CancellationToken cancellationToken = default) =>
        KubeWatch.OpenAsync(Storage, request.Resource.PrefixOf(request.Cluster, request.Namespace), query, cancellationToken);

    /// <summary>The selection predicate for a resource's label and field selectors.</summary>
    public static SelectionPredicate Predicate(RegistryResource resource, ParsedLabelSelector label, FieldSelector field)
    {
        var labels = resource.Strategy.FieldLabels(resource);
        return new SelectionPredicate(label, field, labels.Values);
    }

    // ---- create ----

    /// <summary>
    /// Creates <paramref name="obj"/> (already decoded, its namespace matching the request's): system fields,
    /// generateName, the namespace lifecycle, the kind's preparation, allocation and validation, admission, then the
    /// write. A generated name that collides is drawn again, up to 8 times.
    /// </summary>
    public async Task<KubeObject> CreateAsync(RegistryRequest request, KubeObject obj, CancellationToken cancellationToken = default)
    {
        await Namespaces.AdmitAsync(request, obj, creating: true, cancellationToken).ConfigureAwait(false);
        var generated = obj.GenerateName.Length > 0 && obj.Name.Length == 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CreateOnceAsync(request, obj.Clone(), cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (generated && attempt < GenerateNameAttempts && e.Status.Reason == KubeStatus.ReasonAlreadyExists)
            {
            }
        }
    }

    private async Task<KubeObject> CreateOnceAsync(RegistryRequest request, KubeObject obj, CancellationToken cancellationToken)
    {
        var resource = request.Resource;
        FillSystemFields(obj);
        if (obj.GenerateName.Length > 0 && obj.Name.Length == 0) obj.Name = Options.GenerateName(obj.GenerateName);
        for (var attempt = 1; ; attempt++)
        {
            var attemptObj = obj.Clone();
            var context = Context(request);
            BeforeCreate(context, attemptObj);
            await AdmitAsync(AdmissionOperation.Create, request, attemptObj, null, cancellationToken).ConfigureAwait(false);
            var key = resource.KeyOf(request.Cluster, request.Namespace, attemptObj.Name);
            try
            {
                return await Storage.CreateAsync(key, attemptObj, request.DryRun, cancellationToken, Extras(context)).ConfigureAwait(false);
            }
            catch (ClaimConflictException) when (attempt < ClaimAttempts)
            {
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.KeyExists)
            {
                throw new KubeApiException(await AlreadyExistsAsync(request, attemptObj, key, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    private async Task<KubeStatus> AlreadyExistsAsync(RegistryRequest request, KubeObject obj, ObjectKey key, CancellationToken cancellationToken)
    {
        var resource = request.Resource;
        var status = obj.GenerateName.Length > 0
            ? new KubeStatus(409, KubeStatus.ReasonAlreadyExists,
                $"{resource.QualifiedResource} {GoJson.Quote(obj.Name)} already exists, the server was not able to generate a unique name for the object",
                new StatusDetails { Name = obj.Name, Group = resource.Group, Kind = resource.Resource, RetryAfterSeconds = 1 })
            : KubeStatus.AlreadyExists(resource.Group, resource.Resource, obj.Name);
        var existing = await Storage.GetAsync(key.Key, "", cancellationToken).ConfigureAwait(false);
        if (existing?.ToObject().DeletionTimestamp.Length > 0) status = status with { Message = "object is being deleted: " + status.Message };
        return status;
    }

    private void FillSystemFields(KubeObject obj)
    {
        obj.CreationTimestamp = Options.Now();
        obj.Uid = Options.NewUid();
    }

    // rest.BeforeCreate: the kind prepares, allocates and validates, then ObjectMeta's generic checks.
    private static void BeforeCreate(StrategyContext context, KubeObject obj)
    {
        var resource = context.Resource;
        var strategy = resource.Strategy;
        if (!resource.Namespaced) obj.Namespace = "";
        strategy.PrepareForCreate(context, obj);
        var errors = strategy.Allocate(context, obj).ToList();
        if (errors.Count == 0)
        {
            errors.AddRange(ObjectMetaValidation.Validate(obj, resource.Namespaced, strategy.NameRule));
            errors.AddRange(strategy.Validate(context, obj));
        }
        if (errors.Count > 0) throw new KubeApiException(KubeStatus.Invalid(resource.Group, resource.Kind, obj.Name, errors));
        var generic = ObjectMetaValidation.Validate(obj, resource.Namespaced, NameRules.PathSegment);
        if (generic.Count > 0) throw new KubeApiException(KubeStatus.Invalid(resource.Group, resource.Kind, obj.Name, generic));
    }

    // ---- update ----

    /// <summary>
    /// kube's <c>Store.Update</c>: reads the current object, asks <paramref name="updatedObject"/> for the new one
    /// (a PUT body, or a patch applied to the current object; null current when absent), and writes it if the
    /// resourceVersion it names is current. A missing object is created when the kind allows it or
    /// <paramref name="forceAllowCreate"/> (server-side apply). Writes to <c>/status</c> keep everything but status;
    /// removing the last finalizer of an object being deleted deletes it.
    /// </summary>
    /// <param name="preconditionUid">The uid the new object names (kube makes it a precondition), or null.</param>
    public async Task<(KubeObject Object, bool Created)> UpdateAsync(RegistryRequest request, Func<KubeObject?, ValueTask<KubeObject>> updatedObject,
        string? preconditionUid, bool forceAllowCreate, CancellationToken cancellationToken = default)
    {
        var resource = request.Resource;
        var strategy = resource.Strategy;
        var key = resource.KeyOf(request.Cluster, request.Namespace, request.Name);
        var preconditions = preconditionUid is null ? null : new Preconditions(Uid: preconditionUid);
        var created = false;
        KubeObject? deleteInstead = null;
        StrategyContext? lastContext = null;
        for (var claimAttempt = 1; ; claimAttempt++)
        {
            try
            {
                var result = await Storage.GuaranteedUpdateAsync(key, ignoreNotFound: true, preconditions, async existing =>
                {
                    deleteInstead = null;
                    var context = Context(request);
                    lastContext = context;
                    if (existing is null)
                    {
                        var allowCreate = request.Subresource.Length == 0 && (strategy.AllowCreateOnUpdate || forceAllowCreate);
                        if (!allowCreate) throw NotFound(resource, request.Name);
                    }
                    await Namespaces.AdmitAsync(request, null, creating: existing is null, cancellationToken).ConfigureAwait(false);
                    var obj = await updatedObject(existing).ConfigureAwait(false);
                    if (existing is null)
                    {
                        created = true;
                        obj.ResourceVersion = "";
                        FillSystemFields(obj);
                        BeforeCreate(context, obj);
                        if (request.AuthorizeCreate is { } authorize && await authorize(cancellationToken).ConfigureAwait(false) is { } denied)
                            throw new KubeApiException(denied);
                        await AdmitAsync(AdmissionOperation.Create, request, obj, null, cancellationToken).ConfigureAwait(false);
                        return obj;
                    }
                    created = false;
                    var newRv = KubeStorage.ParseResourceVersion(obj.ResourceVersion);
                    if (newRv == 0)
                    {
                        if (!strategy.AllowUnconditionalUpdate)
                            throw new KubeApiException(KubeStatus.Invalid(resource.Group, resource.Resource, request.Name,
                                [FieldError.Invalid("metadata.resourceVersion", new FieldError.Verbatim("0x0"), "must be specified for an update")]));
                        obj.ResourceVersion = existing.ResourceVersion;
                    }
                    else if (obj.ResourceVersion != existing.ResourceVersion)
                    {
                        throw new KubeApiException(KubeStatus.Conflict(resource.Group, resource.Resource, request.Name, OptimisticLockMessage));
                    }
                    BeforeUpdate(context, request.Subresource, obj, existing);
                    await AdmitAsync(AdmissionOperation.Update, request, obj, existing, cancellationToken).ConfigureAwait(false);
                    if (obj.Finalizers.Count == 0 && existing.DeletionTimestamp.Length > 0 && (existing.DeletionGracePeriodSeconds ?? 0) == 0 &&
                        strategy.DeletesWhenFinalized(obj))
                    {
                        deleteInstead = obj;
                        return existing;
                    }
                    return obj;
                }, request.DryRun, cancellationToken, () => lastContext is { } c ? Extras(c) : null).ConfigureAwait(false);
                if (deleteInstead is not null)
                {
                    await DeleteFromStorageAsync(request, key, preconditions, request.DryRun, cancellationToken).ConfigureAwait(false);
                    return (deleteInstead, false);
                }
                return (result, created);
            }
            catch (StorageException e)
            {
                throw new KubeApiException(Interpret(e, resource, request.Name));
            }
            catch (ClaimConflictException) when (claimAttempt < ClaimAttempts)
            {
            }
        }
    }

    // rest.BeforeUpdate: system fields kept, the kind prepares (main resource or status), then validation.
    private static void BeforeUpdate(StrategyContext context, string subresource, KubeObject obj, KubeObject old)
    {
        var resource = context.Resource;
        var strategy = resource.Strategy;
        if (!resource.Namespaced) obj.Namespace = "";
        obj.Generation = old.Generation;
        switch (subresource)
        {
            case "status":
                strategy.PrepareForStatusUpdate(context, obj, old);
                break;
            case "finalize":
                NamespaceStrategy.PrepareForFinalize(obj, old);
                break;
            default:
                strategy.PrepareForUpdate(context, obj, old);
                break;
        }
        if (obj.Uid.Length == 0) obj.Uid = old.Uid;
        if (old.CreationTimestamp.Length > 0) obj.CreationTimestamp = old.CreationTimestamp;
        if (old.DeletionTimestamp.Length > 0) obj.DeletionTimestamp = old.DeletionTimestamp;
        if (old.DeletionGracePeriodSeconds is not null && obj.DeletionGracePeriodSeconds is null) obj.DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds;
        var errors = ObjectMetaValidation.Validate(obj, resource.Namespaced, NameRules.PathSegment);
        errors.AddRange(ObjectMetaValidation.ValidateUpdate(obj, old));
        if (subresource.Length == 0) errors.AddRange(strategy.ValidateUpdate(context, obj, old));
        if (errors.Count > 0) throw new KubeApiException(KubeStatus.Invalid(resource.Group, resource.Kind, obj.Name, errors));
    }

    // storeerr.InterpretUpdateError / InterpretDeleteError: a missing key is 404, a failed precondition or lost race 409.
    private static KubeStatus Interpret(StorageException e, RegistryResource resource, string name) => e.Code switch
    {
        StorageErrorCode.KeyNotFound => KubeStatus.NotFound(resource.Group, resource.Resource, name),
        _ => KubeStatus.Conflict(resource.Group, resource.Resource, name, e.Message),
    };

    // ---- delete ----

    /// <summary>
    /// kube's <c>Store.Delete</c>: preconditions (409 naming the kind), then either the object is deleted now, or -
    /// when it has finalizers - marked with a deletionTimestamp and kept until they are removed. Namespaces start
    /// terminating instead (see <see cref="NamespaceLifecycle"/>).
    /// </summary>
    public async Task<DeleteOutcome> DeleteAsync(RegistryRequest request, DeleteOptions options, CancellationToken cancellationToken = default)
    {
        var resource = request.Resource;
        if (resource.Group.Length == 0 && resource.Resource == "namespaces" && request.Subresource.Length == 0)
            return await Namespaces.DeleteAsync(request, options, cancellationToken).ConfigureAwait(false);
        var key = resource.KeyOf(request.Cluster, request.Namespace, request.Name);
        var existing = (await Storage.GetAsync(key.Key, "", cancellationToken).ConfigureAwait(false) ?? throw NotFound(resource, request.Name)).ToObject();
        CheckDeletePreconditions(resource, existing, options.Preconditions);
        if (existing.Finalizers.Count > 0)
        {
            try
            {
                var marked = await Storage.GuaranteedUpdateAsync(key, ignoreNotFound: false, options.Preconditions, async current =>
                {
                    await AdmitAsync(AdmissionOperation.Delete, request, null, current, cancellationToken).ConfigureAwait(false);
                    CheckDeletePreconditions(resource, current!, options.Preconditions);
                    if (current!.Finalizers.Count > 0) MarkAsDeleting(current);
                    return current;
                }, request.DryRun, cancellationToken).ConfigureAwait(false);
                if (marked.Finalizers.Count > 0) return new DeleteOutcome(marked, false, false);
            }
            catch (StorageException e)
            {
                throw new KubeApiException(Interpret(e, resource, request.Name));
            }
        }
        var deleted = await DeleteFromStorageAsync(request, key, options.Preconditions, request.DryRun, cancellationToken).ConfigureAwait(false);
        return new DeleteOutcome(deleted, true, !resource.Strategy.ReturnDeletedObject);
    }

    private async Task<KubeObject> DeleteFromStorageAsync(RegistryRequest request, ObjectKey key, Preconditions? preconditions, bool dryRun,
        CancellationToken cancellationToken)
    {
        try
        {
            return await Storage.DeleteAsync(key, preconditions, async current =>
            {
                await AdmitAsync(AdmissionOperation.Delete, request, null, current, cancellationToken).ConfigureAwait(false);
                var context = Context(request);
                request.Resource.Strategy.OnDelete(context, current);
                return Extras(context);
            }, dryRun, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            throw new KubeApiException(Interpret(e, request.Resource, request.Name));
        }
    }

    // rest.BeforeDelete's precondition check: its 409 names the Kind, not the resource.
    private static void CheckDeletePreconditions(RegistryResource resource, KubeObject obj, Preconditions? preconditions)
    {
        if (preconditions?.Uid is { } uid && uid != obj.Uid)
            throw new KubeApiException(KubeStatus.Conflict(resource.Group, resource.Kind, obj.Name,
                $"the UID in the precondition ({uid}) does not match the UID in record ({obj.Uid}). The object might have been deleted and then recreated"));
        if (preconditions?.ResourceVersion is { } rv && rv != obj.ResourceVersion)
            throw new KubeApiException(KubeStatus.Conflict(resource.Group, resource.Kind, obj.Name,
                $"the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record ({obj.ResourceVersion}). The object might have been modified"));
    }

    // kube's markAsDeleting: deletionTimestamp now (unless already earlier), grace period 0, generation counted once.
    internal void MarkAsDeleting(KubeObject obj)
    {
        var now = Options.Now();
        if (obj.DeletionTimestamp.Length == 0 && obj.Generation > 0) obj.Generation++;
        if (obj.DeletionTimestamp.Length == 0 || string.CompareOrdinal(obj.DeletionTimestamp, now) > 0) obj.DeletionTimestamp = now;
        obj.DeletionGracePeriodSeconds = 0;
    }

    /// <summary>
    /// kube's <c>DeleteCollection</c>: lists (following continue tokens unless a limit was given) and deletes each
    /// listed object, ignoring ones already gone. Returns the page as listed, its items as they were before deletion.
    /// </summary>
    public async Task<ListPage> DeleteCollectionAsync(RegistryRequest request, ListQuery query, DeleteOptions options, CancellationToken cancellationToken = default)
    {
        var hasLimit = query.Limit > 0;
        var paged = hasLimit ? query : query with { Limit = 10_000 };
        var items = new List<StoredObject>();
        ListPage? first = null;
        while (true)
        {
            var page = await ListAsync(request, paged, cancellationToken).ConfigureAwait(false);
            first ??= page;
            items.AddRange(page.Items);
            foreach (var item in page.Items)
            {
                var obj = item.ToObject();
                try
                {
                    await DeleteAsync(request with { Namespace = obj.Namespace, Name = obj.Name }, options, cancellationToken).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.Status.Code == 404)
                {
                }
            }
            if (hasLimit) return page;
            if (page.Continue.Length == 0) return first with { Items = items, Continue = "", RemainingItemCount = null };
            paged = paged with { Continue = page.Continue, ResourceVersion = "", ResourceVersionMatch = "" };
        }
    }

    // ---- shared ----

    // The state a strategy decides on: the cache as it is (claims it makes are guarded by the write's compares).
    private StrategyContext Context(RegistryRequest request) => new()
    {
        Cluster = request.Cluster,
        Resource = request.Resource,
        Options = Options,
        View = Storage.Cache.Current,
    };

    private static TxnExtras? Extras(StrategyContext context) =>
        context.Compares.Count == 0 && context.Operations.Count == 0 ? null : new TxnExtras(context.Compares, context.Operations);

    private async Task AdmitAsync(AdmissionOperation operation, RegistryRequest request, KubeObject? obj, KubeObject? old, CancellationToken cancellationToken)
    {
        foreach (var plugin in _admission)
            if (await plugin.ValidateAsync(new AdmissionRequest(operation, request, obj, old), cancellationToken).ConfigureAwait(false) is { } refused)
                throw new KubeApiException(refused);
    }

    internal static KubeApiException NotFound(RegistryResource resource, string name) =>
        new(KubeStatus.NotFound(resource.Group, resource.Resource, name));

    public ValueTask DisposeAsync() => Namespaces.DisposeAsync();
}
