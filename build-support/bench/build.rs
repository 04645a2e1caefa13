fn main() {
    storegen::Builder::new()
        .blueprint("blueprint.toml")
        .generate()
        .unwrap_or_exit();
}
