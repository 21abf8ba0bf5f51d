// The MSBuild task that lets TorchSharp 0.107.0's native library load on Linux distributions whose
// libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04).
//
// libLibTorchSharp.so declares a need for the symbol version GLIBCXX_3.4.32 only because GCC 13
// tags std::ios_base_library_init() with it; no relocation of the library uses that symbol. The
// dynamic loader still refuses a library whose version needs are not all met, so torch.* throws
// TypeInitializationException. Pointing that one version-need entry at GLIBCXX_3.4.30 (which the
// library needs anyway, and which GCC 12's libstdc++ defines) makes the library load unchanged.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory from TransferLearning.ML.targets
// (in this repository and in the package's buildTransitive folder), and into the unit tests. It
// therefore sticks to what the task factory's compiler accepts: no file-scoped namespace, explicit
// usings, and no dependency beyond the BCL and Microsoft.Build.Utilities.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace TransferLearning.ML.Build
{
    /// <summary>One entry of an ELF file's version-need table: a library and a version of it.</summary>
    public sealed class ElfVersionNeed
    {
        /// <summary>Creates an entry.</summary>
        public ElfVersionNeed(string file, string version, int auxOffset, uint nameOffset)
        {
            File = file;
            Version = version;
            AuxOffset = auxOffset;
            NameOffset = nameOffset;
        }

        /// <summary>The needed library, e.g. <c>libstdc++.so.6</c>.</summary>
        public string File { get; }

        /// <summary>The needed version, e.g. <c>GLIBCXX_3.4.30</c>.</summary>
        public string Version { get; }

        /// <summary>File offset of the Elf64_Vernaux record.</summary>
        public int AuxOffset { get; }

        /// <summary>Offset of the version name in the dynamic string table.</summary>
        public uint NameOffset { get; }

        /// <inheritdoc />
        public override string ToString() => File + "@" + Version;
    }

    /// <summary>
    /// Reads and rewrites the GNU symbol-versioning sections of a 64-bit little-endian ELF file.
    /// Every offset is bounds-checked: a malformed file raises <see cref="InvalidDataException"/>.
    /// </summary>
    public static class ElfSymbolVersions
    {
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Lists every (library, version) the file needs (<c>.gnu.version_r</c>).</summary>
        public static List<ElfVersionNeed> ReadVersionNeeds(byte[] elf)
        {
            var needs = new List<ElfVersionNeed>();
            foreach (var section in Sections(elf, ShtGnuVerneed))
            {
                int entry = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    int count = U16(elf, entry + 2);
                    string file = StringAt(elf, section.StringTable, U32(elf, entry + 4));
                    int aux = Add(entry, U32(elf, entry + 8));
                    for (int j = 0; j < count; j++)
                    {
                        uint name = U32(elf, aux + 8);
                        needs.Add(new ElfVersionNeed(file, StringAt(elf, section.StringTable, name), aux, name));
                        aux = Add(aux, U32(elf, aux + 12));
                    }
                    entry = Add(entry, U32(elf, entry + 12));
                }
            }
            return needs;
        }

        /// <summary>Lists every version the file defines (<c>.gnu.version_d</c>), e.g. a libstdc++'s GLIBCXX_* names.</summary>
        public static List<string> ReadVersionDefinitions(byte[] elf)
        {
            var defined = new List<string>();
            foreach (var section in Sections(elf, ShtGnuVerdef))
            {
                int entry = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    int aux = Add(entry, U32(elf, entry + 12));
                    defined.Add(StringAt(elf, section.StringTable, U32(elf, aux)));
                    entry = Add(entry, U32(elf, entry + 16));
                }
            }
            return defined;
        }

        /// <summary>
        /// Makes the need for <paramref name="fromVersion"/> of <paramref name="file"/> a need for
        /// <paramref name="toVersion"/>, which the file must already need (so its name is in the string
        /// table). Rewrites the entry's hash and name offset in place; the version index stays, so the
        /// symbol table is untouched. Returns false when there is nothing to rewrite.
        /// </summary>
        public static bool RedirectVersionNeed(byte[] elf, string file, string fromVersion, string toVersion)
        {
            ElfVersionNeed? from = null, to = null;
            foreach (var need in ReadVersionNeeds(elf))
            {
                if (need.File != file) continue;
                if (need.Version == fromVersion) from = need;
                if (need.Version == toVersion) to = need;
            }
            if (from == null || to == null) return false;
            WriteU32(elf, from.AuxOffset, ElfHash(toVersion));
            WriteU32(elf, from.AuxOffset + 8, to.NameOffset);
            return true;
        }

        /// <summary>The System V ABI's ELF hash of a symbol or version name.</summary>
        public static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (byte c in Encoding.ASCII.GetBytes(name))
            {
                h = (h << 4) + c;
                uint g = h & 0xf0000000;
                if (g != 0) h ^= g >> 24;
                h &= ~g;
            }
            return h;
        }

        private readonly struct Section
        {
            public Section(int offset, uint info, int stringTable)
            {
                Offset = offset;
                Info = info;
                StringTable = stringTable;
            }

            public int Offset { get; }
            public uint Info { get; }
            public int StringTable { get; }
        }

        private static IEnumerable<Section> Sections(byte[] elf, uint type)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("Not an ELF file.");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
            int shoff = Checked(U64(elf, 0x28));
            int shentsize = U16(elf, 0x3a);
            int shnum = U16(elf, 0x3c);
            if (shentsize < 64) throw new InvalidDataException("ELF section header entries are too small.");
            var found = new List<Section>();
            for (int i = 0; i < shnum; i++)
            {
                int header = Add(shoff, (uint)(i * shentsize));
                if (U32(elf, header + 4) != type) continue;
                uint link = U32(elf, header + 40);
                if (link >= shnum) throw new InvalidDataException("ELF section links to a missing string table.");
                int stringTable = Checked(U64(elf, Add(shoff, (uint)(link * shentsize)) + 24));
                found.Add(new Section(Checked(U64(elf, header + 24)), U32(elf, header + 44), stringTable));
            }
            return found;
        }

        private static string StringAt(byte[] elf, int table, uint offset)
        {
            int start = Add(table, offset), end = start;
            while (end < elf.Length && elf[end] != 0) end++;
            if (end >= elf.Length) throw new InvalidDataException("ELF string runs past the end of the file.");
            return Encoding.ASCII.GetString(elf, start, end - start);
        }

        private static int Add(int offset, uint delta)
        {
            long sum = offset + (long)delta;
            if (sum < 0 || sum > int.MaxValue) throw new InvalidDataException("ELF offset out of range.");
            return (int)sum;
        }

        private static int Checked(ulong offset)
        {
            if (offset > int.MaxValue) throw new InvalidDataException("ELF offset out of range.");
            return (int)offset;
        }

        private static void Need(byte[] elf, int offset, int size)
        {
            if (offset < 0 || offset + (long)size > elf.Length)
                throw new InvalidDataException("ELF structure at " + offset + " runs past the end of the file.");
        }

        private static int U16(byte[] b, int o) { Need(b, o, 2); return b[o] | (b[o + 1] << 8); }

        private static uint U32(byte[] b, int o) { Need(b, o, 4); return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)); }

        private static ulong U64(byte[] b, int o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);

        private static void WriteU32(byte[] b, int o, uint v)
        {
            Need(b, o, 4);
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
            b[o + 2] = (byte)(v >> 16);
            b[o + 3] = (byte)(v >> 24);
        }
    }

    /// <summary>
    /// MSBuild task: rewrites the GLIBCXX_3.4.32 need of each given libLibTorchSharp.so to
    /// GLIBCXX_3.4.30 when the system libstdc++ does not define GLIBCXX_3.4.32. Idempotent; a no-op
    /// elsewhere. The file is replaced through a temporary copy so that a hard link into the NuGet
    /// cache is never written through.
    /// </summary>
    public sealed class PatchLibTorchSharpGlibcxx : Microsoft.Build.Utilities.Task
    {
        /// <summary>The native libraries to patch (libLibTorchSharp.so files under an output folder).</summary>
        [Required]
        public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>
        /// The libstdc++ to test; empty means the first of the usual system locations. "auto" rules:
        /// patch only when it lacks GLIBCXX_3.4.32.
        /// </summary>
        public string SystemLibStdCxx { get; set; } = "";

        /// <summary>auto (default): patch when the system needs it; always; never.</summary>
        public string Mode { get; set; } = "auto";

        /// <summary>The libraries that were rewritten by this run.</summary>
        [Output]
        public ITaskItem[] Patched { get; set; } = Array.Empty<ITaskItem>();

        private static readonly string[] LibStdCxxLocations =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };

        /// <inheritdoc />
        public override bool Execute()
        {
            if (string.Equals(Mode, "never", StringComparison.OrdinalIgnoreCase)) return true;
            if (!string.Equals(Mode, "always", StringComparison.OrdinalIgnoreCase) && !SystemLacksGlibcxx332())
                return true;

            var patched = new List<ITaskItem>();
            foreach (var item in Libraries)
            {
                string path = item.ItemSpec;
                try
                {
                    byte[] bytes = File.ReadAllBytes(path);
                    if (!ElfSymbolVersions.RedirectVersionNeed(bytes, "libstdc++.so.6", "GLIBCXX_3.4.32", "GLIBCXX_3.4.30"))
                        continue;
                    string temporary = path + ".tlml-patch";
                    File.WriteAllBytes(temporary, bytes);
                    File.Replace(temporary, path, null);
                    patched.Add(item);
                    Log.LogMessage(MessageImportance.High,
                        "TransferLearning.ML: {0} now needs GLIBCXX_3.4.30 instead of GLIBCXX_3.4.32 (system libstdc++ predates GCC 13).", path);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogWarning("TransferLearning.ML: could not patch {0}: {1}", path, e.Message);
                }
            }
            Patched = patched.ToArray();
            return !Log.HasLoggedErrors;
        }

        private bool SystemLacksGlibcxx332()
        {
            string? library = SystemLibStdCxx.Length > 0 ? SystemLibStdCxx : null;
            if (library == null)
            {
                foreach (string candidate in LibStdCxxLocations)
                {
                    if (File.Exists(candidate)) { library = candidate; break; }
                }
            }
            if (library == null || !File.Exists(library))
            {
                Log.LogMessage(MessageImportance.Low, "TransferLearning.ML: no system libstdc++.so.6 found; libLibTorchSharp.so left as is.");
                return false;
            }
            try
            {
                return !ElfSymbolVersions.ReadVersionDefinitions(File.ReadAllBytes(library)).Contains("GLIBCXX_3.4.32");
            }
            catch (InvalidDataException e)
            {
                Log.LogWarning("TransferLearning.ML: could not read {0}: {1}", library, e.Message);
                return false;
            }
        }
    }
}
