"""Bundles liblever.so into the package (the file named by LEVER_LIBRARY, else build/lib of the
repository, made by scripts/build.sh), so an installed `lever` works without further set-up. With no
library to bundle the build fails: a package without its library would install and then not import.

The wheel holds a native library but no CPython extension, so it is tagged py3-none-<platform>:
any Python 3 on this platform, never py3-none-any."""
import os
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel  # setuptools >= 70.1
except ImportError:
    from wheel.bdist_wheel import bdist_wheel

HERE = pathlib.Path(__file__).resolve().parent
REPO_LIBRARY = HERE.parent.parent / "build" / "lib" / "liblever.so.1"


def built_library():
    """The library to bundle; raises SystemExit naming what was looked for when there is none."""
    override = os.environ.get("LEVER_LIBRARY")
    if override:
        path = pathlib.Path(override)
        if not path.is_file():
            raise SystemExit(f"lever-xc: LEVER_LIBRARY={override} is not a file; point it at a built liblever.so")
        return path
    if REPO_LIBRARY.is_file():
        return REPO_LIBRARY
    raise SystemExit(f"lever-xc: no liblever.so to bundle: {REPO_LIBRARY} does not exist and LEVER_LIBRARY is "
                     "not set. Run scripts/build.sh at the repository root first, or set LEVER_LIBRARY.")


class BuildWithLibrary(build_py):
    def run(self):
        lib = built_library()
        super().run()
        target = pathlib.Path(self.build_lib) / "lever" / "liblever.so"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lib, target)
        os.chmod(target, 0o755)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True  # a platform wheel: it carries liblever.so


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel}, distclass=BinaryDistribution)
