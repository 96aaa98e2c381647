/* One line per unit-test module: tests/unit/test_NAME.c defines NAME_tests. */
MODULE(hash)
MODULE(gomap)
MODULE(scene)
MODULE(world)
MODULE(locks)
MODULE(syncmap)
MODULE(tui)
MODULE(golock)
