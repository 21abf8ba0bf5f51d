using TransferLearning.ML.Datasets;

namespace TransferLearning.ML.Tests.ZeroShot;

[TestClass]
public sealed class ZooTests
{
    public static Zoo Load() => Zoo.Read(Path.Combine(AppContext.BaseDirectory, "Data", "Zoo.rda"));

    [TestMethod]
    public void ReadsTheRealZooTableFromItsRDataFile()
    {
        var zoo = Load();
        Assert.HasCount(101, zoo.Animals);
        Assert.HasCount(16, zoo.AttributeNames);
        Assert.AreEqual("legs", zoo.AttributeNames[^1]);
        CollectionAssert.Contains(zoo.Animals.ToList(), "aardvark");
        int aardvark = zoo.Animals.ToList().IndexOf("aardvark");
        Assert.AreEqual(1f, zoo.Values[aardvark][zoo.AttributeNames.ToList().IndexOf("hair")], "aardvarks have hair");
        Assert.AreEqual(4f, zoo.Values[aardvark][^1], "and four legs");
        Assert.AreEqual("mammal", zoo.Types[aardvark]);
        Assert.IsTrue(zoo.Values.All(v => v.Take(15).All(x => x is 0 or 1)));
    }

    [TestMethod]
    public void ACorruptRDataFileIsRefused()
    {
        var path = TestData.TempFile(".rda");
        File.WriteAllBytes(path, "RDX2\nX\n\0\0\0"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => RData.Read(path));
        File.WriteAllText(path, "not R at all");
        Assert.Throws<InvalidDataException>(() => RData.Read(path));
    }
}
