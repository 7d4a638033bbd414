/* Removing what a test made under a directory of its own (a private pin
 * root, a configuration or run directory), a failing test's leftovers
 * included. */
#ifndef SFW_TESTS_TREE_H
#define SFW_TESTS_TREE_H

/* name (relative to the directory fd parent, or AT_FDCWD) and everything
 * under it; symbolic links are removed, never followed. */
void fx_remove_tree(int parent, const char *name);

#endif
