/* The engine's unit-test modules (build/engine-tests links no app code):
 * tests/unit/test_NAME.c defines NAME_tests. */
MODULE(hash)
MODULE(gomap)
MODULE(locks)
MODULE(golock)
MODULE(swiss)
MODULE(hashtrie)
MODULE(gotrie)
