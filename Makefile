# The two commands a newcomer needs (see README.md).
.PHONY: demo test build
demo:
	scripts/demo.sh
test:
	scripts/test.sh
build:
	scripts/build.sh
