using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace TransferLearning.ML.Serialization;

/// <summary>
/// Reflection bridge to the internal model save/load API of Microsoft.ML.Core 5.0. Writing a
/// model header, reading it back and registering a loader are all internal in ML.NET, so a
/// third-party assembly has to reach them by reflection. Every member is looked up once, when this
/// class is first used, so a future ML.NET that renames one fails at once with its name instead of
/// writing a corrupt file.
/// </summary>
internal static class MlNetInternals
{
    private const BindingFlags AnyMember = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
    private static readonly Assembly Core = typeof(ICanSaveModel).Assembly;

    private static readonly Type VersionInfoType = CoreType("Microsoft.ML.VersionInfo");
    private static readonly Type LoadContextType = CoreType("Microsoft.ML.ModelLoadContext");
    private static readonly Type SignatureLoadModelType = CoreType("Microsoft.ML.SignatureLoadModel");
    private static readonly Type LoadableClassAttributeType = CoreType("Microsoft.ML.LoadableClassAttribute");
    private static readonly Type LoadableClassAttributeBaseType = CoreType("Microsoft.ML.LoadableClassAttributeBase");
    private static readonly Type LoadableClassInfoType = Found(typeof(ComponentCatalog).GetNestedType("LoadableClassInfo", AnyMember), "ComponentCatalog.LoadableClassInfo");

    // VersionInfo(modelSignature, verWrittenCur, verReadableCur, verWeCanReadBack, loaderAssemblyName, loaderSignature, loaderSignatureAlt)
    private static readonly ConstructorInfo VersionInfoConstructor = Found(VersionInfoType.GetConstructor(AnyMember, null,
        [typeof(string), typeof(uint), typeof(uint), typeof(uint), typeof(string), typeof(string), typeof(string)], null), "VersionInfo(..)");

    private static readonly MethodInfo SaveCheckAtModel = Found(typeof(ModelSaveContext).GetMethod("CheckAtModel", AnyMember, null, Type.EmptyTypes, null), "ModelSaveContext.CheckAtModel()");
    private static readonly MethodInfo SaveSetVersionInfo = Found(typeof(ModelSaveContext).GetMethod("SetVersionInfo", AnyMember, null, [VersionInfoType], null), "ModelSaveContext.SetVersionInfo");
    private static readonly FieldInfo SaveWriter = Found(typeof(ModelSaveContext).GetField("Writer", AnyMember), "ModelSaveContext.Writer");
    private static readonly MethodInfo SaveBinaryStreamMethod = Found(typeof(ModelSaveContext).GetMethod("SaveBinaryStream", AnyMember, null, [typeof(string), typeof(Action<BinaryWriter>)], null), "ModelSaveContext.SaveBinaryStream");

    private static readonly MethodInfo LoadCheckAtModel = Found(LoadContextType.GetMethod("CheckAtModel", AnyMember, null, [VersionInfoType], null), "ModelLoadContext.CheckAtModel(VersionInfo)");
    private static readonly FieldInfo LoadReader = Found(LoadContextType.GetField("Reader", AnyMember), "ModelLoadContext.Reader");
    private static readonly MethodInfo LoadBinaryStreamMethod = Found(LoadContextType.GetMethod("TryLoadBinaryStream", AnyMember, null, [typeof(string), typeof(Action<BinaryReader>)], null), "ModelLoadContext.TryLoadBinaryStream");

    private static readonly ConstructorInfo LoadableClassAttributeConstructor = Found(LoadableClassAttributeType.GetConstructor(AnyMember, null,
        [typeof(Type), typeof(Type), typeof(Type), typeof(Type), typeof(string), typeof(string[])], null), "LoadableClassAttribute(..)");
    private static readonly ConstructorInfo LoadableClassInfoConstructor = Found(LoadableClassInfoType.GetConstructor(AnyMember, null,
        [LoadableClassAttributeBaseType, typeof(MethodInfo), typeof(ConstructorInfo), typeof(MethodInfo), typeof(bool)], null), "ComponentCatalog.LoadableClassInfo(..)");
    private static readonly MethodInfo CatalogAddClass = Found(typeof(ComponentCatalog).GetMethod("AddClass", AnyMember), "ComponentCatalog.AddClass");
    private static readonly FieldInfo CatalogLock = Found(typeof(ComponentCatalog).GetField("_lock", AnyMember), "ComponentCatalog._lock");

    private static readonly ConstructorInfo ShapeColumnConstructor = Found(typeof(SchemaShape.Column).GetConstructor(AnyMember, null,
        [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)], null), "SchemaShape.Column(..)");

    private static readonly ConditionalWeakTable<ComponentCatalog, HashSet<string>> Registered = new();

    /// <summary>A boxed internal VersionInfo: what a model part says it is and which loader reads it.</summary>
    public static object VersionInfo(string modelSignature, uint version, uint readableVersion, string loaderSignature, Type loaderType) =>
        VersionInfoConstructor.Invoke([modelSignature, version, readableVersion, readableVersion, loaderType.Assembly.FullName, loaderSignature, null]);

    public static void BeginSave(ModelSaveContext context, object versionInfo)
    {
        Call(SaveCheckAtModel, context);
        Call(SaveSetVersionInfo, context, versionInfo);
    }

    public static BinaryWriter Writer(ModelSaveContext context) => (BinaryWriter)SaveWriter.GetValue(context)!;

    /// <summary>Adds a zip entry next to the part's main stream (as ML.NET's own ONNX and TorchSharp parts do).</summary>
    public static void SaveBinaryStream(ModelSaveContext context, string name, Action<BinaryWriter> write) =>
        Call(SaveBinaryStreamMethod, context, name, write);

    /// <summary>Checks the part's header against <paramref name="versionInfo"/> (signature, versions) and positions the reader.</summary>
    public static void BeginLoad(object loadContext, object versionInfo)
    {
        if (!LoadContextType.IsInstanceOfType(loadContext))
            throw new ArgumentException($"Expected an ML.NET ModelLoadContext, got {loadContext?.GetType().FullName ?? "null"}.", nameof(loadContext));
        Call(LoadCheckAtModel, loadContext, versionInfo);
    }

    public static BinaryReader Reader(object loadContext) => (BinaryReader)LoadReader.GetValue(loadContext)!;

    public static bool TryLoadBinaryStream(object loadContext, string name, Action<BinaryReader> read) =>
        (bool)Call(LoadBinaryStreamMethod, loadContext, name, read)!;

    public static SchemaShape.Column ShapeColumn(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations = null) =>
        (SchemaShape.Column)ShapeColumnConstructor.Invoke([name, kind, itemType, isKey, annotations]);

    /// <summary>
    /// What <c>[assembly: LoadableClass(typeof(T), null, typeof(SignatureLoadModel), userName, loaderSignature)]</c>
    /// does for ML.NET's own assemblies, for one catalog (one MLContext). <paramref name="create"/>
    /// is a static <c>(IHostEnvironment env, object context)</c> method; ML.NET passes its internal
    /// ModelLoadContext as <c>context</c>. Idempotent.
    /// </summary>
    public static void RegisterLoader(ComponentCatalog catalog, Type instanceType, MethodInfo create, string userName, string loaderSignature)
    {
        lock (CatalogLock.GetValue(catalog)!)
        {
            if (!Registered.GetOrCreateValue(catalog).Add(loaderSignature)) return;
            var attribute = LoadableClassAttributeConstructor.Invoke([instanceType, create.DeclaringType, null, SignatureLoadModelType, userName, new[] { loaderSignature }]);
            var info = LoadableClassInfoConstructor.Invoke([attribute, null, null, create, true]);
            Call(CatalogAddClass, catalog, info, new[] { loaderSignature }, true);
        }
    }

    private static Type CoreType(string name) => Found(Core.GetType(name), name);

    private static T Found<T>(T? member, string name) where T : class => member ?? throw new InvalidOperationException(
        $"TransferLearning.ML needs the internal ML.NET member '{name}', which Microsoft.ML.Core {Core.GetName().Version} does not have. " +
        "This version of TransferLearning.ML supports Microsoft.ML 5.0.x.");

    private static object? Call(MethodInfo method, object target, params object?[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
