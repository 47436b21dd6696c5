# Shared by the project's shell scripts; source it after `cd` to the
# repository root. The caller defines `say` (its message prefix).

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Run as root, or through sudo when there is one.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        say "needs root for: $*"
        return 1
    fi
}
