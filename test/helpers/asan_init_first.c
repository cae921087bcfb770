/* Preloaded into the server after the ASan runtime (test/shell/sanitizers.sh). With LD_PRELOAD the
 * runtime starts on its first malloc, and in postgres that first malloc comes from libgpg-error's
 * constructor inside bindtextdomain(), which holds glibc's gettext lock; the runtime's start then
 * calls dlerror(), which takes the same lock, and the process hangs. Linked with -z initfirst, this
 * constructor runs before every other one and starts the runtime while no lock is held. */
void __asan_init(void);

__attribute__((constructor)) static void start_asan_first(void) {
    __asan_init();
}
