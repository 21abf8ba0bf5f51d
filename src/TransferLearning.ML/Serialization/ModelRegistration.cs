using Microsoft.ML.Runtime;
using TransferLearning.ML.Classification;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Serialization;

/// <summary>Adds this package's model loaders to an ML.NET component catalog.</summary>
internal static class ModelRegistration
{
    public static void Register(ComponentCatalog catalog)
    {
        MlNetInternals.RegisterLoader(catalog, typeof(NetworkClassifierTransformer), NetworkClassifierTransformer.LoaderMethod,
            NetworkClassifierTransformer.UserName, NetworkClassifierTransformer.LoaderSignature);
        MlNetInternals.RegisterLoader(catalog, typeof(TransferComponentsTransformer), TransferComponentsTransformer.LoaderMethod,
            TransferComponentsTransformer.UserName, TransferComponentsTransformer.LoaderSignature);
        MlNetInternals.RegisterLoader(catalog, typeof(ZeroShotTransformer), ZeroShotTransformer.LoaderMethod,
            ZeroShotTransformer.UserName, ZeroShotTransformer.LoaderSignature);
    }
}
