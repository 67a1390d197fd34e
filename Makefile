# The two commands a newcomer needs (see README.md), plus build and install.
.PHONY: demo test build install uninstall
PREFIX ?= /usr/local
DESTDIR ?=
demo:
	scripts/demo.sh
test:
	scripts/test.sh
build:
	scripts/build.sh
# make install [PREFIX=/usr/local] [DESTDIR=staging]: library, header, lever.pc and the CLI.
install:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh
uninstall:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh --uninstall
