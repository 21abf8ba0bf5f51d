// Tests share torch's global random state and libtorch's thread pool: run them one at a time.
[assembly: DoNotParallelize]
