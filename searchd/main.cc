// searchd: the search daemon of SPEC.md (see searchd/server.h).
#include "searchd/server.h"

int main(int argc, char** argv) {
  return frsearch::search::run_cli(argc, argv);
}
