//! End to end: the real binary in a pseudo-terminal, driven by keys, read through a
//! terminal emulator (vt100).

#![cfg(unix)]

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_debrief");

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("DEBRIEF_CONFIG", db.with_extension("toml"))
        .output()
        .unwrap()
}

struct Session {
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    /// The workbench on `db`.
    fn start(db: &Path) -> Session {
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg("--db");
        cmd.arg(db);
        Session::spawn(cmd, db)
    }

    /// Any command in a 100x30 terminal, with the test's config and terminal type.
    fn spawn(mut cmd: CommandBuilder, db: &Path) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        cmd.env("DEBRIEF_CONFIG", db.with_extension("toml"));
        cmd.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pty.master.take_writer().unwrap();
        // The master must outlive the session; leak it for the test's lifetime.
        std::mem::forget(pty.master);
        Session {
            writer,
            output,
            child,
        }
    }

    fn screen(&self) -> vt100::Parser {
        let size = |n| std::num::NonZeroU16::new(n).unwrap();
        let mut parser = vt100::Parser::new(size(30), size(100), 0);
        parser.process(&self.output.lock().unwrap());
        parser
    }

    /// Waits until the screen shows `text` (the binary answers in milliseconds; the
    /// generous limit only guards against a hang).
    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if self.screen().screen().contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "never showed {text:?}; screen:\n{}",
            self.screen().screen().contents()
        );
    }

    /// Everything the program wrote, as text.
    fn raw(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits until the program has written `text` (anywhere, scrolled off or not).
    fn wait_for_raw(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if self.raw().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("never wrote {text:?}; output:\n{}", self.raw());
    }

    fn type_keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }
}

#[test]
fn capture_an_event_quit_and_find_it_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    new_incident(&db);

    let mut s = Session::start(&db);
    s.wait_for("IR-1");
    s.type_keys("\r");
    s.wait_for("No events yet");
    s.type_keys("c");
    s.wait_for("capture");
    s.type_keys("14:02 @mallory signed in with the forged token #initial-access T1078");
    s.wait_for("actor mallory (new)");
    s.type_keys("\r");
    s.wait_for("captured: signed in with the forged token");
    // Capture stays armed for the next line: esc closes it.
    s.type_keys("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    s.type_keys("q");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "debrief did not exit on q"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());

    // The terminal came back: main screen, cursor shown, mouse and paste modes off.
    std::thread::sleep(Duration::from_millis(200));
    let parser = s.screen();
    assert!(
        !parser.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!parser.screen().hide_cursor(), "the cursor is still hidden");
    assert_eq!(
        parser.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None
    );
    assert!(
        !parser.screen().bracketed_paste(),
        "bracketed paste still on"
    );

    let listed = cli(&db, &["event", "list", "IR-1", "--json"]);
    let events: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let e = &events[0];
    assert_eq!(e["text"], "signed in with the forged token");
    assert_eq!(e["at"], "2026-03-11T14:02:00Z");
    assert_eq!(e["actor"], "mallory");
    assert_eq!(e["technique"], "T1078");
    assert_eq!(e["tags"], serde_json::json!(["initial-access"]));
}

fn new_incident(db: &Path) {
    let made = cli(
        db,
        &[
            "incident",
            "new",
            "IR-1",
            "--title",
            "Mailbox takeover",
            "--detected",
            "2026-03-11 10:00Z",
        ],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

/// The terminal modes a full-screen program may leave behind, all off.
fn assert_terminal_restored(parser: &vt100::Parser) {
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "still on the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is still hidden");
    assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    assert!(!screen.bracketed_paste(), "bracketed paste still on");
}

#[test]
fn a_panic_gives_the_terminal_back_and_says_where_the_data_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    new_incident(&db);
    // The shell reports the exit and the line settings the panic left behind.
    let mut cmd = CommandBuilder::new("sh");
    cmd.arg("-c");
    cmd.arg(r#""$0" --db "$1"; echo "exit=$?"; stty -a; echo "stty done""#);
    cmd.arg(BIN);
    cmd.arg(&db);
    cmd.env("DEBRIEF_TEST_PANIC", "1");
    // A backtrace would scroll the message off the 30-line screen.
    cmd.env("RUST_BACKTRACE", "0");
    let mut s = Session::spawn(cmd, &db);
    s.wait_for("IR-1");
    s.type_keys("\r");
    s.wait_for("No events yet");
    s.type_keys("\x1b[24~"); // F12: panics in debug builds under DEBRIEF_TEST_PANIC
    s.wait_for_raw("stty done");

    let raw = s.raw();
    assert!(raw.contains("forced by DEBRIEF_TEST_PANIC"), "{raw}");
    assert!(
        raw.contains("Everything you confirmed was saved as you went, in"),
        "{raw}"
    );
    let shown = raw.replace(['\r', '\n'], "");
    assert!(
        shown.contains(&db.display().to_string()),
        "names the database: {raw}"
    );
    assert!(raw.contains("exit=101"), "a panic exits 101: {raw}");
    // Raw mode is off again: the line discipline echoes and reads whole lines.
    let stty = &raw[raw.rfind("exit=").unwrap()..];
    let words: Vec<&str> = stty.split([' ', ';', '\r', '\n']).collect();
    for setting in ["icanon", "echo", "isig"] {
        assert!(words.contains(&setting), "{setting} is off: {stty}");
    }
    let parser = s.screen();
    assert_terminal_restored(&parser);
    // What was printed after the restore stays readable: the terminal was given back
    // once, so nothing moved the cursor back over the message.
    let screen = parser.screen().contents();
    for line in [
        "forced by DEBRIEF_TEST_PANIC",
        "debrief stopped on an internal error",
    ] {
        assert!(screen.contains(line), "{line:?} overwritten:\n{screen}");
    }
}

#[test]
fn a_change_from_the_command_line_shows_in_the_open_workbench() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    new_incident(&db);
    let mut s = Session::start(&db);
    s.wait_for("IR-1");
    s.type_keys("\r");
    s.wait_for("No events yet");

    let added = cli(
        &db,
        &[
            "event",
            "add",
            "IR-1",
            "--at",
            "10:07",
            "--text",
            "Beacon to 203.0.113.9",
        ],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let start = Instant::now();
    s.wait_for("Beacon to 203.0.113.9");
    // The workbench looks twice a second; the bound is generous so a busy machine
    // does not fail the test, and the measured time is printed.
    let took = start.elapsed();
    eprintln!("the CLI's event showed in the workbench after {took:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    s.wait_for("another window or the command line changed the database");
    s.type_keys("q");
}

#[test]
fn bundle_resolve_on_screen_settles_a_conflict_and_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("t.db");
    new_incident(&db);
    let base = d.join("base.json");
    let done = cli(
        &db,
        &["bundle", "export", "IR-1", "-o", base.to_str().unwrap()],
    );
    assert!(done.status.success());
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    for (file, title) in [("ours.json", "Title A"), ("theirs.json", "Title B")] {
        let mut side = bundle.clone();
        side["tables"]["incidents"][0]["title"] = title.into();
        std::fs::write(d.join(file), side.to_string()).unwrap();
    }
    let p = |f: &str| d.join(f).to_str().unwrap().to_string();
    let merged = cli(
        &db,
        &[
            "bundle",
            "merge",
            &p("base.json"),
            &p("ours.json"),
            &p("theirs.json"),
        ],
    );
    assert_eq!(merged.status.code(), Some(1), "the titles conflict");

    // On screen, with no database anywhere: take theirs, write.
    let missing = d.join("none.db");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args([
        "--db",
        missing.to_str().unwrap(),
        "bundle",
        "resolve",
        &p("ours.json"),
    ]);
    let mut s = Session::spawn(cmd, &db);
    s.wait_for("Conflicts in ours.json");
    s.wait_for("Title B");
    s.type_keys("t");
    s.wait_for("every conflict is settled");
    s.type_keys("w");
    s.wait_for_raw("resolved into");
    let start = Instant::now();
    while s.child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(20), "did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_terminal_restored(&s.screen());
    let clean: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ours.json")).unwrap()).unwrap();
    assert!(clean.get("conflicts").is_none());
    assert_eq!(clean["tables"]["incidents"][0]["title"], "Title B");
    assert!(!missing.exists(), "no database was created");
}
