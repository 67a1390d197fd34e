"""The installed package as a typed library: py.typed ships beside the bundled library, and every
public function of the binding has a docstring and annotated parameters and return."""
import inspect
import pathlib

import lever

PUBLIC = [lever.Model.train, lever.Model.load, lever.Model.save, lever.Model.predict, lever.Model.label_text,
          lever.Model.close, lever.Model.num_labels.fget]


def test_typed_package_with_its_library():
    package = pathlib.Path(lever.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "liblever.so").is_file(), "the installed package must bundle liblever.so"


def test_public_functions_have_docstrings_and_annotations():
    for fn in PUBLIC:
        name = fn.__qualname__
        assert inspect.getdoc(fn), f"{name} has no docstring"
        sig = inspect.signature(fn)
        assert sig.return_annotation is not inspect.Signature.empty, f"{name} has no return annotation"
        for p in sig.parameters.values():
            if p.name not in ("self", "cls"):
                assert p.annotation is not inspect.Parameter.empty, f"{name}({p.name}) is not annotated"
