# cmake -DIN=file -DOUT=file.c -DNAME=symbol -P EmbedBytes.cmake
# Writes a C file defining `const unsigned char NAME[]` with the bytes of IN and
# `const size_t NAME_len` with their count: how the compiled message catalogue
# (po/zh_CN.po through msgfmt) becomes part of the library (src/catalog.c).
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR nbytes "${nhex} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT}.tmp
  "/* Generated from ${IN} by cmake/EmbedBytes.cmake; do not edit. */\n"
  "#include <stddef.h>\n"
  "extern const unsigned char ${NAME}[];\n"
  "extern const size_t ${NAME}_len;\n"
  "const unsigned char ${NAME}[] = {\n${bytes}0};\n"
  "const size_t ${NAME}_len = ${nbytes};\n")
configure_file(${OUT}.tmp ${OUT} COPYONLY)
file(REMOVE ${OUT}.tmp)
