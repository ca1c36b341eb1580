//! The app's entry point (Trunk's main link in index.html); the app lives in
//! the library (src/lib.rs).

fn main() {
    kpilab_app::run();
}
