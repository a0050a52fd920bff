//! errdocs never destroys what it did not make, and a failed, interrupted or killed build
//! leaves the previous output whole: real binary, real directories, real signals.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn build(root: &Path, output: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    errdocs(&args)
}

fn init(dir: &Path) -> std::path::PathBuf {
    let site = dir.join("site");
    assert!(errdocs(&["init", site.to_str().unwrap()]).status.success());
    site
}

#[test]
fn a_folder_of_user_files_is_refused_and_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let mine = dir.path().join("mine");
    write_files(
        &mine,
        &[("notes.txt", "my notes"), ("deep/plan.md", "plan")],
    );
    let out = build(&site, &mine, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("refusing to replace") && err.contains("did not create it"),
        "{err}"
    );
    assert!(
        err.contains("--force"),
        "the hint says how to proceed: {err}"
    );
    assert_eq!(read(&mine.join("notes.txt")), "my notes");
    assert_eq!(read(&mine.join("deep/plan.md")), "plan");

    let out = build(&site, &mine, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!mine.join("notes.txt").exists());
    assert!(
        mine.join(".errdocs-output").is_file(),
        "the output is marked"
    );
    // From now on it is errdocs' own output: no --force needed.
    let out = build(&site, &mine, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_empty_or_missing_directory_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(build(&site, &empty, &[]).status.success());
    assert!(
        build(&site, &dir.path().join("new/deeper"), &[])
            .status
            .success()
    );
}

#[test]
fn a_git_worktree_is_refused_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    // A gh-pages worktree has a `.git` file; a clone has a `.git` directory.
    let worktree = dir.path().join("gh-pages");
    write_files(
        &worktree,
        &[
            (".git", "gitdir: /somewhere/.git/worktrees/gh-pages\n"),
            ("index.html", "live"),
        ],
    );
    let clone = dir.path().join("clone");
    write_files(&clone, &[(".git/HEAD", "ref: refs/heads/main\n")]);
    for target in [&worktree, &clone] {
        for extra in [&[][..], &["--force"][..]] {
            let out = build(&site, target, extra);
            assert_eq!(out.status.code(), Some(1), "{}", target.display());
            assert!(stderr(&out).contains(".git"), "{}", stderr(&out));
        }
    }
    assert_eq!(read(&worktree.join("index.html")), "live");
    assert!(clone.join(".git/HEAD").is_file());
}

#[test]
fn the_configured_sources_are_guarded_not_a_fixed_list_of_names() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    // Move the catalog to data/errors.toml and say so in the config.
    std::fs::create_dir(site.join("data")).unwrap();
    std::fs::rename(
        site.join("catalog/errors.toml"),
        site.join("data/errors.toml"),
    )
    .unwrap();
    std::fs::remove_dir(site.join("catalog")).unwrap();
    let config = read(&site.join("errdocs.toml"));
    std::fs::write(
        site.join("errdocs.toml"),
        format!("catalog = \"data/errors.toml\"\n{config}"),
    )
    .unwrap();
    for bad in [
        site.join("data"),
        site.clone(),
        dir.path().to_path_buf(),
        site.join("content"),
        site.join("content/sub"),
    ] {
        for extra in [&[][..], &["--force"][..]] {
            let out = build(&site, &bad, extra);
            assert_eq!(out.status.code(), Some(1), "{}", bad.display());
            assert!(
                stderr(&out).contains("refusing to write"),
                "{}",
                stderr(&out)
            );
        }
    }
    assert!(site.join("data/errors.toml").is_file());
    assert!(site.join("content/index.md").is_file());
    // The same guard protects watch and serve before they write anything.
    for cmd in [&["watch"][..], &["serve", "--port", "0"][..]] {
        let mut args = cmd.to_vec();
        let data = site.join("data");
        args.extend([
            "--root",
            site.to_str().unwrap(),
            "--output",
            data.to_str().unwrap(),
        ]);
        let out = errdocs(&args);
        assert_eq!(out.status.code(), Some(1), "{cmd:?}: {}", stderr(&out));
    }
    assert!(build(&site, &site.join("public"), &[]).status.success());
}

/// A site big enough that a build takes a noticeable time (thousands of files to write).
fn big_site(dir: &Path, codes: usize) -> std::path::PathBuf {
    let site = dir.join("big");
    let mut catalog = String::from(
        "[[envelope]]\nid = \"error\"\ntitle = \"E\"\nexample = '{\"code\": \"X-1\"}'\n\n\
         [[envelope.field]]\nname = \"code\"\nfrom = \"code\"\n\n\
         [[category]]\nid = \"all\"\ntitle = \"All\"\n",
    );
    for i in 0..codes {
        catalog.push_str(&format!(
            "\n[[code]]\ncode = \"X-{i}\"\ncategory = \"all\"\nmessage = \"Message {i}\"\nstatus = 400\nfix = \"Fix {i}.\"\n"
        ));
    }
    write_files(
        &site,
        &[
            ("errdocs.toml", "title = \"Big\"\n"),
            ("catalog/errors.toml", &catalog),
            (
                "content/errors.md",
                "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\n```\n",
            ),
        ],
    );
    site
}

/// Leftovers beside `output`: anything in its parent other than the output itself.
fn litter(output: &Path) -> Vec<String> {
    let name = output.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(output.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| *n != name && n != "big" && n != "site")
        .collect()
}

/// An output is whole when it has its marker, its index of URLs, and every page urls.txt lists.
fn assert_whole(output: &Path) {
    assert!(output.join(".errdocs-output").is_file(), "marker missing");
    let urls = read(&output.join("urls.txt"));
    for line in urls
        .lines()
        .filter(|l| !l.starts_with('#') && !l.contains('#'))
    {
        let rel = line.trim_start_matches('/');
        let file = if rel.is_empty() || rel.ends_with('/') {
            output.join(rel).join("index.html")
        } else {
            output.join(rel)
        };
        assert!(file.is_file(), "{} missing", file.display());
    }
}

#[test]
fn ctrl_c_and_sigterm_never_leave_the_site_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let site = big_site(dir.path(), 3000);
    let output = dir.path().join("public");
    let started = Instant::now();
    assert!(build(&site, &output, &[]).status.success());
    let full = started.elapsed();
    let mut interrupted = 0;
    for (i, signal) in ["INT", "TERM"].iter().cycle().take(24).enumerate() {
        // Spread the signals over the whole build, from the start to past its end.
        let delay = full.mul_f64(i as f64 / 20.0);
        let mut child = Command::new(env!("CARGO_BIN_EXE_errdocs"))
            .args(["build", "--root", site.to_str().unwrap()])
            .args(["--output", output.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        // A signal that lands before errdocs has installed its handler (between exec and the
        // first line of main) ends the process by the signal's default action: nothing has been
        // written yet, and a shell reports it as 130/143 like errdocs' own exit. Anything else
        // (a crash, another signal, exit 1) fails.
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(0), _) => {}
            (Some(130), _) => interrupted += 1,
            (None, Some(2 | 15)) => {}
            other => panic!("exit status {other:?} after SIG{signal}"),
        }
        assert_whole(&output);
        assert!(litter(&output).is_empty(), "{:?}", litter(&output));
    }
    assert!(interrupted > 0, "no signal arrived during a build");
}

#[test]
fn what_a_killed_build_leaves_is_removed_by_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = big_site(dir.path(), 3000);
    let output = dir.path().join("public");
    let started = Instant::now();
    assert!(build(&site, &output, &[]).status.success());
    let full = started.elapsed();
    for i in 0..12 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_errdocs"))
            .args(["build", "--root", site.to_str().unwrap()])
            .args(["--output", output.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(0.3 + 0.6 * i as f64 / 12.0));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();
        // Whatever happened, the site still has a whole output.
        assert_whole(&output);
    }
    assert!(build(&site, &output, &[]).status.success());
    assert_whole(&output);
    assert!(litter(&output).is_empty(), "{:?}", litter(&output));
}

#[test]
fn an_output_that_cannot_be_replaced_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let output = dir.path().join("public");
    assert!(build(&site, &output, &[]).status.success());
    let before = snapshot(&output);
    // An immutable directory cannot be renamed or changed, not even by root.
    let immutable = Command::new("chattr").arg("+i").arg(&output).status();
    assert!(
        immutable.is_ok_and(|s| s.success()),
        "chattr +i is needed for this test (e2fsprogs, an ext4 file system)"
    );
    let out = build(&site, &output, &[]);
    let _ = Command::new("chattr").arg("-i").arg(&output).status();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not write the site"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        snapshot(&output),
        before,
        "the previous output is unchanged"
    );
    assert!(litter(&output).is_empty(), "{:?}", litter(&output));
}

/// Runs `errdocs ARGS` as an unprivileged user: as root, through `setpriv` as `nobody` (with
/// `dir` handed to it), since root ignores permissions.
fn errdocs_unprivileged(dir: &Path, args: &[&str]) -> std::process::Output {
    let uid = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return errdocs(args);
    }
    let chown = Command::new("chown")
        .args(["-R", "nobody:nogroup"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(chown.success());
    Command::new("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_errdocs"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn read_only_directories_in_an_old_output_do_not_leave_it_behind() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let output = dir.path().join("public");
    let args = [
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    let out = errdocs_unprivileged(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    // Read-only directories inside the output: removing the old output needs them writable.
    for sub in ["errors", "guide"] {
        let mut perms = std::fs::metadata(output.join(sub)).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(output.join(sub), perms).unwrap();
    }
    let out = errdocs_unprivileged(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_whole(&output);
    assert!(litter(&output).is_empty(), "{:?}", litter(&output));
}

#[test]
fn a_read_only_parent_directory_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let parent = dir.path().join("ro");
    let output = parent.join("public");
    std::fs::create_dir(&parent).unwrap();
    let args = [
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    let out = errdocs_unprivileged(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = snapshot(&output);
    let mut perms = std::fs::metadata(&parent).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&parent, perms).unwrap();
    let out = errdocs_unprivileged(dir.path(), &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not write the site"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&output), before);
    assert!(litter(&output).is_empty(), "{:?}", litter(&output));
}
