//! The CSV worker's entry point (Trunk's worker link in index.html); the loop
//! lives in the library, `kpilab_app::worker`.

fn main() {
    kpilab_app::worker::run();
}
