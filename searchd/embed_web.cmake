# Turns the files of web/ into a C++ source of byte arrays (searchd/http.h,
# web_assets()), so searchd serves its page from any folder without reading
# files at run time, and only the files listed here can ever be served.
#
# cmake -DWEB_DIR=<web folder> -DOUTPUT=<file.cc> -P embed_web.cmake
# Every file below WEB_DIR except hidden ones and *.md.

file(GLOB_RECURSE files RELATIVE "${WEB_DIR}" "${WEB_DIR}/*")
list(FILTER files EXCLUDE REGEX "(^|/)\\.|\\.md$")
list(SORT files)

# "|" stands for "; " (a semicolon would split the CMake list).
set(types
  "html=text/html|charset=utf-8" "js=text/javascript|charset=utf-8"
  "css=text/css|charset=utf-8" "json=application/json|charset=utf-8"
  "svg=image/svg+xml" "png=image/png" "ico=image/x-icon" "txt=text/plain|charset=utf-8"
  "woff2=font/woff2")

set(arrays "")
set(entries "")
set(i 0)
foreach(file IN LISTS files)
  get_filename_component(ext "${file}" LAST_EXT)
  string(SUBSTRING "${ext}" 1 -1 ext)
  string(TOLOWER "${ext}" ext)
  set(type "application/octet-stream")
  foreach(pair IN LISTS types)
    if(pair MATCHES "^${ext}=(.*)$")
      string(REPLACE "|" "; " type "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  file(READ "${WEB_DIR}/${file}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
  string(APPEND arrays "// ${file}\nconst unsigned char kAsset${i}[] = {\n${bytes}0x00};\n")
  string(APPEND entries "      {\"${file}\", \"${type}\", view(kAsset${i}, sizeof kAsset${i} - 1)},\n")
  math(EXPR i "${i} + 1")
endforeach()

set(source "// Generated from web/ by searchd/embed_web.cmake: do not edit.
#include \"searchd/http.h\"

namespace frsearch::search {
namespace {

std::string_view view(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

${arrays}
}  // namespace

const std::vector<Asset>& web_assets() {
  static const std::vector<Asset> assets = {
${entries}  };
  return assets;
}

}  // namespace frsearch::search
")

file(WRITE "${OUTPUT}" "${source}")
