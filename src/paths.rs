//! Paths: the one lexical normaliser and the one confinement check of the linter.
//!
//! Security invariant (SECURITY.md): nothing outside the linted paths (and `--allow-read`
//! directories; for config files, the config file's directory) is ever read. Every reader asks
//! [`Roots::contains`] before it reads: discovery's downloaded modules, `--allow-read` module
//! directories, Terraform local and downloaded modules, `file()` / `templatefile()`,
//! CloudFormation nested-stack templates, and the files a config file names.
//!
//! [`Roots::contains`] compares *resolved* paths: symbolic links and `..` are resolved by the
//! file system ([`resolve`]), so neither a link nor `..` leaves a root, and a link that stays
//! inside is fine. Only the part of a path that does not exist (yet) is folded lexically.

use std::path::{Component, Path, PathBuf};

/// Drops `.` components and folds `dir/..` lexically (no file system access, links kept). A `..`
/// that climbs above the start of a relative path is kept (`../a` stays `../a`: it names a place
/// outside, and dropping it would move the path inside); above the root of an absolute path it
/// is dropped, as the operating system does (`/../etc` is `/etc`).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                // Empty, or only leading `..`s: climbing further is kept.
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// An absolute path (against the working directory) without `.` or `..` components; no file
/// system access, symbolic links kept.
pub fn absolute(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Where `path` really is: canonicalised by the file system (links and `..` resolved) when it
/// exists; otherwise its longest existing ancestor canonicalised, with the rest folded
/// lexically (a path through a missing directory cannot be opened, so no link can be crossed
/// there). Relative paths are taken against the working directory.
pub fn resolve(path: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(path) {
        return c;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut ancestor = abs.as_path();
    let mut rest: Vec<Component<'_>> = Vec::new();
    loop {
        let Some(parent) = ancestor.parent() else {
            return normalize(&abs);
        };
        if let Some(last) = ancestor.components().next_back() {
            rest.push(last);
        }
        ancestor = parent;
        if let Ok(base) = std::fs::canonicalize(ancestor) {
            let mut out = base;
            for c in rest.iter().rev() {
                out.push(c.as_os_str());
            }
            return normalize(&out);
        }
    }
}

/// The directories a run may read from, resolved once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Roots {
    resolved: Vec<PathBuf>,
}

impl Roots {
    /// `dirs` resolved; a path that does not exist is no root; a file root holds only itself.
    pub fn new<P: AsRef<Path>>(dirs: impl IntoIterator<Item = P>) -> Roots {
        let mut resolved: Vec<PathBuf> = dirs
            .into_iter()
            .filter_map(|d| std::fs::canonicalize(d.as_ref()).ok())
            .collect();
        resolved.sort();
        resolved.dedup();
        Roots { resolved }
    }

    pub fn is_empty(&self) -> bool {
        self.resolved.is_empty()
    }

    /// The resolved roots.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.resolved
    }

    /// The confinement check: whether `path`, resolved (see [`resolve`]), lies inside a root.
    pub fn contains(&self, path: &Path) -> bool {
        self.contains_resolved(&resolve(path))
    }

    /// [`Roots::contains`] for a path already resolved (saves the system calls).
    pub fn contains_resolved(&self, resolved: &Path) -> bool {
        self.resolved.iter().any(|r| resolved.starts_with(r))
    }
}

impl<P: AsRef<Path>> FromIterator<P> for Roots {
    fn from_iter<I: IntoIterator<Item = P>>(dirs: I) -> Roots {
        Roots::new(dirs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_dot_dot_and_keeps_a_leading_one() {
        let cases = [
            ("../a", "../a"),
            ("../../a", "../../a"),
            ("a/../..", ".."),
            ("a/../../b", "../b"),
            ("a/b/../c/./d", "a/c/d"),
            ("./a/..", ""),
            ("/../etc", "/etc"),
            ("/a/../../etc", "/etc"),
            ("/a/./b/..", "/a"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(Path::new(input)), Path::new(want), "{input}");
        }
    }

    fn tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(tmp.path()).unwrap();
        let root = base.join("root");
        let outside = base.join("outside");
        for d in [root.join("sub"), outside.clone()] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(root.join("sub/in.tf"), "").unwrap();
        std::fs::write(outside.join("secret.txt"), "").unwrap();
        (tmp, root, outside)
    }

    #[test]
    fn confinement_resolves_dot_dot_and_absolute_paths() {
        let (_tmp, root, outside) = tree();
        let roots = Roots::new([&root]);
        assert!(roots.contains(&root.join("sub/in.tf")));
        assert!(roots.contains(&root.join("sub/../sub/in.tf")));
        // A missing file inside is inside (the reader then reports it missing).
        assert!(roots.contains(&root.join("sub/missing/../nothing.txt")));
        assert!(!roots.contains(&root.join("../outside/secret.txt")));
        assert!(!roots.contains(&root.join("sub/../../outside/secret.txt")));
        assert!(!roots.contains(&root.join("sub/missing/../../../outside/secret.txt")));
        assert!(!roots.contains(&outside.join("secret.txt")));
        assert!(!roots.contains(Path::new("/etc/passwd")));
        // `root2` starts with the text `root` but is not under it.
        assert!(!roots.contains(&root.with_file_name("root2/x")));
        // A root given with `..` in it is the directory it resolves to.
        assert!(Roots::new([root.join("sub/..")]).contains(&root.join("sub/in.tf")));
        // A file root holds only itself; a missing root allows nothing.
        let file = Roots::new([root.join("sub/in.tf")]);
        assert!(file.contains(&root.join("sub/./in.tf")));
        assert!(!file.contains(&root.join("sub/x.tf")));
        assert!(Roots::new([root.join("nope")]).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn confinement_follows_symbolic_links() {
        let (_tmp, root, outside) = tree();
        let roots = Roots::new([&root]);
        // A link inside the root pointing out of it leads outside.
        std::os::unix::fs::symlink(&outside, root.join("escape")).unwrap();
        assert!(!roots.contains(&root.join("escape/secret.txt")));
        assert!(!roots.contains(&root.join("escape")));
        // Even for a file that does not exist behind it.
        assert!(!roots.contains(&root.join("escape/missing.txt")));
        // A link inside the root pointing inside it stays inside.
        std::os::unix::fs::symlink(root.join("sub"), root.join("alias")).unwrap();
        assert!(roots.contains(&root.join("alias/in.tf")));
        // `..` after a link is taken from where the link leads (as the OS does), not lexically.
        // (lexically `root/outside/secret.txt`, which would be inside)
        assert!(!roots.contains(&root.join("escape/../outside/secret.txt")));
        // A link outside pointing into the root is inside.
        std::os::unix::fs::symlink(root.join("sub"), outside.join("into")).unwrap();
        assert!(roots.contains(&outside.join("into/in.tf")));
        // A root that is itself a link is the directory it points to.
        assert!(Roots::new([outside.join("into")]).contains(&root.join("sub/in.tf")));
    }

    #[cfg(unix)]
    #[test]
    fn backslashes_are_part_of_a_name_on_unix() {
        // Windows-style separators do not separate on Unix: `..\..\x` is one odd file name in
        // the root, not a way out of it.
        let (_tmp, root, _outside) = tree();
        let roots = Roots::new([&root]);
        assert!(roots.contains(&root.join("sub").join("..\\..\\outside\\secret.txt")));
        assert_eq!(normalize(Path::new("a\\..\\..")), Path::new("a\\..\\.."));
    }
}
