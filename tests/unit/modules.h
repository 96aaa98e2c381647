/* The app's unit-test modules (build/unit-tests): tests/unit/test_NAME.c
 * defines NAME_tests.  Engine modules are in engine_modules.h; syncmap's
 * tests are here because they check its state through the app's writer. */
MODULE(scene)
MODULE(world)
MODULE(syncmap)
MODULE(tui)
MODULE(record)
MODULE(explore)
MODULE(export_html)
MODULE(export)
