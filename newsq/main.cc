// newsq: one query on an index folder, for scripts (see newsq/newsq.h).
#include "newsq/newsq.h"

int main(int argc, char** argv) {
  return frsearch::newsq::run_cli(argc, argv);
}
