// An MSBuild task (compiled by RoslynCodeTaskFactory) that writes a copy of a .NET assembly in
// which every type, method and field is public. This repository compiles TransferLearning.ML
// against such a copy of Microsoft.ML.Core so that it can declare [assembly: LoadableClass] and
// take ML.NET's internal ModelLoadContext, as ML.NET's own assemblies do: that is what lets a plain
// MLContext.Model.Load find this package's loaders. At run time the real Microsoft.ML.Core is used
// and [assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")] lets the runtime allow the access.
//
// The copy is a compile-time reference only (never shipped, never loaded). Accessibility lives in
// the Flags column of the TypeDef, Field and MethodDef metadata tables (ECMA-335 II.22), so the
// patch rewrites those bits in place and no other byte changes. The tables are located by hand
// (PE headers -> CLI header -> metadata root -> #~ stream) because an inline task compiles against
// netstandard only, without System.Reflection.Metadata.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace TransferLearning.ML.Build
{
    public sealed class PublicizeReference : Task
    {
        [Required] public string Source { get; set; } = "";

        [Required] public string Destination { get; set; } = "";

        public override bool Execute()
        {
            byte[] image = File.ReadAllBytes(Source);
            var tables = new MetadataTables(image);
            int types = tables.Rewrite(TypeDef, 0, 4, PublicType);
            int fields = tables.Rewrite(Field, 0, 2, PublicMember);
            int methods = tables.Rewrite(MethodDef, 6, 2, PublicMember);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Destination)));
            File.WriteAllBytes(Destination, image);
            Log.LogMessage(MessageImportance.Low, $"Publicized {types} types, {fields} fields and {methods} methods of {Source} into {Destination}.");
            return true;
        }

        private const int Module = 0x00, TypeRef = 0x01, TypeDef = 0x02, FieldPtr = 0x03, Field = 0x04, MethodPtr = 0x05, MethodDef = 0x06;
        private const int Param = 0x08, ModuleRef = 0x1A, TypeSpec = 0x1B, AssemblyRef = 0x23;

        // TypeAttributes.VisibilityMask (0x7): top-level types become Public (1), nested ones NestedPublic (2).
        private static uint PublicType(uint flags) => (flags & ~7u) | ((flags & 7u) <= 1 ? 1u : 2u);

        // MethodAttributes.MemberAccessMask and FieldAttributes.FieldAccessMask: both 0x7, Public = 6.
        private static uint PublicMember(uint flags) => (flags & ~7u) | 6u;

        private sealed class MetadataTables
        {
            private readonly byte[] _image;
            private readonly int[] _rows = new int[64];
            private readonly int _tablesStart, _strings, _guids, _blobs;

            public MetadataTables(byte[] image)
            {
                _image = image;
                int pe = I32(0x3C);
                if (I32(pe) != 0x00004550) throw new InvalidDataException("Not a PE file.");
                int coff = pe + 4, sections = U16(coff + 2), optional = coff + 20, optionalSize = U16(coff + 16);
                int directories = optional + (U16(optional) == 0x20B ? 112 : 96);
                int cliHeader = Offset(I32(directories + 14 * 8), optional + optionalSize, sections);
                int root = Offset(I32(cliHeader + 8), optional + optionalSize, sections);
                if (I32(root) != 0x424A5342) throw new InvalidDataException("No CLI metadata.");
                int at = root + 16 + I32(root + 12);
                int streams = U16(at + 2);
                at += 4;
                int tablesStream = -1;
                for (int s = 0; s < streams; s++)
                {
                    int offset = I32(at);
                    int end = Array.IndexOf(image, (byte)0, at + 8);
                    string name = Encoding.ASCII.GetString(image, at + 8, end - at - 8);
                    if (name == "#~") tablesStream = root + offset;
                    at = (end + 4) & ~3;
                }
                if (tablesStream < 0) throw new InvalidDataException("No compressed metadata tables (#~).");
                byte heapSizes = image[tablesStream + 6];
                _strings = (heapSizes & 1) != 0 ? 4 : 2;
                _guids = (heapSizes & 2) != 0 ? 4 : 2;
                _blobs = (heapSizes & 4) != 0 ? 4 : 2;
                long valid = BitConverter.ToInt64(image, tablesStream + 8);
                at = tablesStream + 24;
                for (int t = 0; t < 64; t++)
                {
                    if ((valid & (1L << t)) == 0) continue;
                    _rows[t] = I32(at);
                    at += 4;
                }
                _tablesStart = at;
            }

            /// <summary>Applies <paramref name="change"/> to the flags column of every row of <paramref name="table"/>; returns how many changed.</summary>
            public int Rewrite(int table, int column, int width, Func<uint, uint> change)
            {
                int start = _tablesStart;
                for (int t = 0; t < table; t++) start += _rows[t] * RowSize(t);
                int rowSize = RowSize(table), changed = 0;
                for (int row = 0; row < _rows[table]; row++)
                {
                    int at = start + row * rowSize + column;
                    uint flags = width == 4 ? (uint)I32(at) : (uint)U16(at);
                    uint updated = change(flags);
                    if (updated == flags) continue;
                    changed++;
                    for (int b = 0; b < width; b++) _image[at + b] = (byte)(updated >> (8 * b));
                }
                return changed;
            }

            // Row sizes of the tables up to MethodDef (ECMA-335 II.22.15, .25, .26, .37, .38).
            private int RowSize(int table) => table switch
            {
                Module => 2 + _strings + 3 * _guids,
                TypeRef => Coded(2, Module, ModuleRef, AssemblyRef, TypeRef) + 2 * _strings,
                TypeDef => 4 + 2 * _strings + Coded(2, TypeDef, TypeRef, TypeSpec) + Index(Field) + Index(MethodDef),
                FieldPtr => Index(Field),
                Field => 2 + _strings + _blobs,
                MethodPtr => Index(MethodDef),
                MethodDef => 4 + 2 + 2 + _strings + _blobs + Index(Param),
                _ => throw new InvalidOperationException($"Row size of table {table} is not needed."),
            };

            private int Index(int table) => _rows[table] < 1 << 16 ? 2 : 4;

            private int Coded(int tagBits, params int[] tables)
            {
                int largest = 0;
                foreach (int t in tables) largest = Math.Max(largest, _rows[t]);
                return largest < 1 << (16 - tagBits) ? 2 : 4;
            }

            private int Offset(int rva, int sectionTable, int sections)
            {
                for (int s = 0; s < sections; s++)
                {
                    int header = sectionTable + s * 40;
                    int address = I32(header + 12), size = Math.Max(I32(header + 8), I32(header + 16));
                    if (rva >= address && rva < address + size) return rva - address + I32(header + 20);
                }
                throw new InvalidDataException($"RVA 0x{rva:X} is in no section.");
            }

            private int I32(int at) => BitConverter.ToInt32(_image, at);

            private int U16(int at) => BitConverter.ToUInt16(_image, at);
        }
    }
}
