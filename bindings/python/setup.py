"""Bundles liblever.so into the package when it is built (build/lib of the repository, or the file
named by LEVER_LIBRARY), so an installed `lever` works without further set-up."""
import os
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = pathlib.Path(__file__).resolve().parent


def built_library():
    override = os.environ.get("LEVER_LIBRARY")
    if override:
        return pathlib.Path(override)
    candidate = HERE.parent.parent / "build" / "lib" / "liblever.so.1"
    return candidate if candidate.exists() else None


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        lib = built_library()
        if lib is not None and lib.exists():
            target = pathlib.Path(self.build_lib) / "lever" / "liblever.so"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(lib, target)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return built_library() is not None


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
