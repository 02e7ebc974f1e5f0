// The `indexer` command (SPEC.md "indexer"); everything is in run_cli().
#include "indexer/indexer.h"

int main(int argc, char** argv) {
  return frsearch::indexer::run_cli(argc, argv);
}
