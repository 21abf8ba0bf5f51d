// ML.NET keeps its model save/load API internal (ModelLoadContext, VersionInfo, LoadableClass) and
// opens it only to its own assemblies. This package compiles against a publicized copy of
// Microsoft.ML.Core (eng/build/MlNetInternals.targets) and asks the runtime, through this
// attribute, to allow the same access at run time. The runtime recognises the attribute by name;
// it is not defined in the BCL, so every assembly that uses it declares its own.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]

namespace System.Runtime.CompilerServices
{
    /// <summary>Lets this assembly use the internals of the named assembly (honoured by the .NET runtime).</summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
    {
        /// <summary>The assembly whose internals this one uses.</summary>
        public string AssemblyName { get; } = assemblyName;
    }
}
