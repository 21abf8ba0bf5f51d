using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using TransferLearning.ML.Build;

namespace TransferLearning.ML.Tests.Build;

/// <summary>The ELF rewrite behind the build task, on TorchSharp's real native library.</summary>
[TestClass]
public sealed class GlibcxxFixTests
{
    private static string PackagedLibrary => Path.Combine(TestData.BuildValue("NuGetPackageRoot"),
        "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string OutputLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static IEnumerable<string> LibStdCxxNeeds(byte[] elf) =>
        ElfSymbolVersions.ReadVersionNeeds(elf).Where(n => n.File == "libstdc++.so.6").Select(n => n.Version);

    [TestMethod]
    public void RewritesTheOneGlibcxx332NeedTo330()
    {
        byte[] original = File.ReadAllBytes(PackagedLibrary);
        var before = ElfSymbolVersions.ReadVersionNeeds(original);
        CollectionAssert.Contains(LibStdCxxNeeds(original).ToList(), "GLIBCXX_3.4.32", "TorchSharp 0.107.0 asks for GCC 13's libstdc++");
        CollectionAssert.Contains(LibStdCxxNeeds(original).ToList(), "GLIBCXX_3.4.30");

        byte[] patched = (byte[])original.Clone();
        Assert.IsTrue(ElfSymbolVersions.RedirectVersionNeed(patched, "libstdc++.so.6", "GLIBCXX_3.4.32", "GLIBCXX_3.4.30"));
        var after = ElfSymbolVersions.ReadVersionNeeds(patched);

        CollectionAssert.DoesNotContain(LibStdCxxNeeds(patched).ToList(), "GLIBCXX_3.4.32");
        Assert.AreEqual(2, LibStdCxxNeeds(patched).Count(v => v == "GLIBCXX_3.4.30"));
        Assert.HasCount(before.Count, after);
        for (int i = 0; i < before.Count; i++)
            if (before[i].Version != "GLIBCXX_3.4.32") Assert.AreEqual(before[i].ToString(), after[i].ToString(), "other needs are untouched");
        int changedBytes = original.Zip(patched).Count(p => p.First != p.Second);
        Assert.IsTrue(changedBytes is > 0 and <= 8, $"only the entry's hash and name offset change ({changedBytes} bytes)");

        Assert.IsFalse(ElfSymbolVersions.RedirectVersionNeed(patched, "libstdc++.so.6", "GLIBCXX_3.4.32", "GLIBCXX_3.4.30"), "idempotent");
    }

    [TestMethod]
    public void ElfHashMatchesTheStoredHashes()
    {
        byte[] elf = File.ReadAllBytes(PackagedLibrary);
        foreach (var need in ElfSymbolVersions.ReadVersionNeeds(elf))
            Assert.AreEqual(BitConverter.ToUInt32(elf, need.AuxOffset), ElfSymbolVersions.ElfHash(need.Version), need.ToString());
    }

    [TestMethod]
    public void TheBuildPatchedTheCopyInTheTestOutputWhereTheSystemNeedsIt()
    {
        var system = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.First(File.Exists);
        var defined = ElfSymbolVersions.ReadVersionDefinitions(File.ReadAllBytes(system));
        CollectionAssert.Contains(defined, "GLIBCXX_3.4.30");
        var needs = LibStdCxxNeeds(File.ReadAllBytes(OutputLibrary)).ToList();
        if (defined.Contains("GLIBCXX_3.4.32"))
            CollectionAssert.Contains(needs, "GLIBCXX_3.4.32", "left alone where the system has GCC 13's libstdc++");
        else
            CollectionAssert.DoesNotContain(needs, "GLIBCXX_3.4.32");
        CollectionAssert.Contains(LibStdCxxNeeds(File.ReadAllBytes(PackagedLibrary)).ToList(), "GLIBCXX_3.4.32",
            "the NuGet cache's copy is never written through");
    }

    [TestMethod]
    public void TheTaskHonoursItsModeAndIsIdempotent()
    {
        string copy = TestData.TempFile(".so");
        File.Copy(PackagedLibrary, copy);

        var never = new PatchLibTorchSharpGlibcxx { BuildEngine = new Engine(), Libraries = [new TaskItem(copy)], Mode = "never" };
        Assert.IsTrue(never.Execute());
        CollectionAssert.Contains(LibStdCxxNeeds(File.ReadAllBytes(copy)).ToList(), "GLIBCXX_3.4.32");

        var always = new PatchLibTorchSharpGlibcxx { BuildEngine = new Engine(), Libraries = [new TaskItem(copy)], Mode = "always" };
        Assert.IsTrue(always.Execute());
        Assert.HasCount(1, always.Patched);
        CollectionAssert.DoesNotContain(LibStdCxxNeeds(File.ReadAllBytes(copy)).ToList(), "GLIBCXX_3.4.32");

        var again = new PatchLibTorchSharpGlibcxx { BuildEngine = new Engine(), Libraries = [new TaskItem(copy)], Mode = "always" };
        Assert.IsTrue(again.Execute());
        Assert.IsEmpty(again.Patched, "a patched file is left as is");
    }

    [TestMethod]
    public void ANonElfFileIsRejected()
    {
        Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.ReadVersionNeeds("not an elf file at all, just text"u8.ToArray()));
        var truncated = File.ReadAllBytes(PackagedLibrary)[..100];
        Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.ReadVersionNeeds(truncated));
    }

    private sealed class Engine : IBuildEngine
    {
        public bool ContinueOnError => false;

        public int LineNumberOfTaskNode => 0;

        public int ColumnNumberOfTaskNode => 0;

        public string ProjectFileOfTaskNode => "test";

        public bool BuildProjectFile(string projectFileName, string[] targetNames, System.Collections.IDictionary globalProperties, System.Collections.IDictionary targetOutputs) => true;

        public void LogCustomEvent(CustomBuildEventArgs e) { }

        public void LogErrorEvent(BuildErrorEventArgs e) => Assert.Fail(e.Message ?? "build error");

        public void LogMessageEvent(BuildMessageEventArgs e) { }

        public void LogWarningEvent(BuildWarningEventArgs e) { }
    }
}
