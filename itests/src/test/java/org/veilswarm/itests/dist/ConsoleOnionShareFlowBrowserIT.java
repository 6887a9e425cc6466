package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.RunningTestnet;

/**
 * Issue #8's browser flow over native onion services: a {@code veilswarm testnet} of six real node processes
 * (three authorities, every node a relay, no direct transport; started through {@link RunningTestnet}) and
 * headless Chromium. In node 1's console:
 * sign in by the management link, Shares → a folder by path → the link is an {@code .onion} link naming node 1 →
 * "Copy link"; in node 2's console: Downloads → the link pasted → the row reaches 100 % and seeds → the files
 * equal node 1's by SHA-256. Then the pages the download went through: Statistics shows circuits (not n/a) and
 * the testnet's relays counted bytes relayed for others; Directory shows the consensus scheme with every relay;
 * Settings refuses a relay burst below the rate under its field and saves an upload limit. Screenshots of each.
 */
class ConsoleOnionShareFlowBrowserIT {
    private static final int NODES = 6;
    private static final int AUTHORITIES = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A share waits up to onionWaitSeconds (120 s) for the tracker's onion service; hashing is quick. */
    private static final Duration SHARE_WAIT = Duration.ofSeconds(150);
    /** Mirror, metadata and the files over onion circuits: seconds when idle, generous for a loaded machine. */
    private static final Duration DOWNLOAD_WAIT = Duration.ofSeconds(180);
    private static final Duration STATS_WAIT = Duration.ofSeconds(60);
    private static final Pattern ONION_LINK = Pattern.compile(
            "http://([a-z2-7]{56}\\.onion):(\\d+)/private/[A-Za-z0-9_-]+");

    private RunningTestnet testnet;
    private WebDriver browser;
    private Path work;

    @BeforeEach
    void checkBrowser() {
        for (String executable : List.of(ConsoleBrowserIT.CHROMIUM, ConsoleBrowserIT.CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(executable))) {
                fail(executable + " is missing: " + ConsoleBrowserIT.INSTALL_HINT);
            }
        }
        work = Distribution.freshDirectory("console-onion-share-flow");
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (testnet != null) {
                testnet.close();
            }
        }
    }

    @Test
    void shareOnOneTestnetNodeDownloadByOnionLinkOnAnotherAndSeeCircuitsDirectoryAndSettings() throws Exception {
        long started = System.nanoTime();
        Path folder = work.resolve("holiday");
        Files.createDirectories(folder.resolve("day two"));
        Random random = new Random(8);
        write(folder.resolve("big.bin"), random, 2 * 1024 * 1024 + 4321);
        write(folder.resolve("day two/small.bin"), random, 999);

        testnet = RunningTestnet.start(Distribution.home().resolve("bin/veilswarm"), work.resolve("testnet"), NODES,
                AUTHORITIES, READY_TIMEOUT, Map.of());
        long readyMillis = elapsedMillis(started);
        RunningTestnet.Node one = testnet.node(1);
        RunningTestnet.Node two = testnet.node(2);
        browser = chromium();
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        // Node 1: share the folder by its path; the link names node 1's onion service.
        signIn(one, wait);
        String windowOne = browser.getWindowHandle();
        browser.findElement(By.id("tab-shares")).click();
        wait.until(d -> d.findElement(By.id("share-form")).isDisplayed());
        browser.findElement(By.cssSelector("#share-form input[name=path]")).sendKeys(folder.toString());
        long shareStarted = System.nanoTime();
        browser.findElement(By.cssSelector("#share-form button[type=submit]")).click();
        waitForText(new WebDriverWait(browser, SHARE_WAIT), "share-progress", t -> t.contains("Shared:"), one);
        long shareMillis = elapsedMillis(shareStarted);
        String link = wait.until(d -> text(() -> shareRow(d, "holiday").findElement(By.cssSelector(".share-link"))))
                .strip();
        Matcher onion = ONION_LINK.matcher(link);
        assertTrue(onion.matches(), "an onion share link: " + link);
        assertEquals(one.address(), onion.group(1), "the link names node 1's onion address");
        String copied = copyLink(wait);
        assertTrue(copied.equals("Copied ✓") || copied.equals("Selected: press Ctrl+C"), copied);
        screenshot("console-onion-shares.png");

        // Node 2: paste the link into Downloads and watch it reach 100 %.
        browser.switchTo().newWindow(WindowType.TAB);
        signIn(two, wait);
        browser.findElement(By.id("tab-downloads")).click();
        wait.until(d -> d.findElement(By.id("download-form")).isDisplayed());
        WebElement linkField = browser.findElement(By.cssSelector("#download-form input[name=link]"));
        if (copied.startsWith("Copied")) {
            linkField.sendKeys(Keys.chord(Keys.CONTROL, "v"));
        }
        boolean pasted = link.equals(linkField.getAttribute("value"));
        if (!pasted) {
            // The headless browser's clipboard did not carry it (no clipboard daemon): type what the page showed.
            linkField.clear();
            linkField.sendKeys(link);
        }
        Path target = work.resolve("downloads");
        browser.findElement(By.cssSelector("#download-form input[name=dir]")).sendKeys(target.toString());
        long downloadStarted = System.nanoTime();
        browser.findElement(By.cssSelector("#download-form button[type=submit]")).click();
        String done = new WebDriverWait(browser, DOWNLOAD_WAIT).until(d -> {
            String row = downloadRow(d);
            if (row != null && row.contains("FAILED")) {
                fail("the download failed in node 2's console: " + row + diagnostics());
            }
            return row != null && row.contains("100 %") && row.contains("SEEDING") ? row : null;
        });
        long downloadMillis = elapsedMillis(downloadStarted);
        assertTrue(done.contains("holiday"), done);
        screenshot("console-onion-downloads.png");
        assertEquals(sha256Tree(folder), sha256Tree(target.resolve("holiday")), "node 2's files equal node 1's");

        // Statistics: the onion transport reports circuits, and relays of the testnet counted what they carried.
        long relayedByTestnet = awaitRelayedByTestnet(1);
        browser.findElement(By.id("tab-stats")).click();
        String circuits = waitForText(wait, "stats-circuits", t -> t.contains("own open"), two);
        wait.until(d -> !d.findElements(By.cssSelector("#stats-charts svg path[data-series='own open']")).isEmpty());
        waitForText(wait, "stats-relayed", t -> !t.isEmpty() && !t.equals("–"), two);
        // The circuits graph is the last one: scroll so the picture shows it with the totals below.
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "document.querySelector(\"#stats-charts svg:last-of-type\").scrollIntoView()");
        screenshot("console-statistics-circuits.png");

        // Directory: the consensus every node uses, with every node's relay.
        browser.findElement(By.id("tab-directory")).click();
        waitForText(wait, "directory-active", t -> t.startsWith("consensus"), two);
        waitForText(wait, "directory-relays", t -> t.equals(Integer.toString(NODES)), two);
        waitForText(wait, "directory-page", t -> t.endsWith("of " + NODES), two);
        assertEquals(NODES, browser.findElements(By.cssSelector("#directory-relays-table tbody tr")).size());
        screenshot("console-directory.png");

        // Settings: a relay burst below the rate is refused under its field and nothing is stored; an upload limit
        // is saved (the swarm engine restarts with it; node 2 only seeds by now).
        browser.findElement(By.id("tab-settings")).click();
        WebElement rate = wait.until(d -> d.findElement(By.id("setting-relayBandwidthRate")));
        rate.clear();
        rate.sendKeys("2000000");
        WebElement burst = browser.findElement(By.id("setting-relayBandwidthBurst"));
        burst.clear();
        burst.sendKeys("1000");
        browser.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
        waitForText(wait, "setting-relayBandwidthBurst-error", t -> t.contains("must be 0 or at least relayBandwidthRate"),
                two);
        browser.findElement(By.id("settings-reload")).click();
        waitForText(wait, "settings-status", String::isEmpty, two);
        assertEquals("0", browser.findElement(By.id("setting-relayBandwidthRate")).getAttribute("value"),
                "the refused rate was not stored");
        WebElement upload = browser.findElement(By.id("setting-uploadLimit"));
        upload.clear();
        upload.sendKeys("1048576");
        browser.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
        waitForText(wait, "settings-status", t -> t.equals("Saved: uploadLimit."), two);
        screenshot("console-settings-limits.png");

        browser.switchTo().window(windowOne);
        System.out.printf(java.util.Locale.ROOT, "ConsoleOnionShareFlowBrowserIT figures: %d-node testnet ready in"
                + " %.1f s; share in the console to an onion link in %.1f s; download by the link to 100 %% in"
                + " %.1f s; %d bytes relayed for others over the testnet; node 2 circuits: %s; link %s; whole test"
                + " %.1f s%n", NODES, readyMillis / 1e3, shareMillis / 1e3, downloadMillis / 1e3, relayedByTestnet,
                circuits, pasted ? "pasted (Ctrl+V)" : "typed (the clipboard did not carry it)",
                elapsedMillis(started) / 1e3);
    }

    /**
     * Polls every node's {@code GET /api/stats} until the newest samples add up to at least {@code atLeast} bytes
     * relayed for others: the download's circuits ran through the testnet's relays, each counting what it
     * forwarded.
     */
    private long awaitRelayedByTestnet(long atLeast) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Pattern relayed = Pattern.compile("\"bytesRelayed\":(\\d+)");
        return testnet.await("bytes relayed for others in the nodes' statistics", STATS_WAIT, () -> {
            long sum = 0;
            for (RunningTestnet.Node node : testnet.nodes()) {
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base(node) + "/api/stats"))
                            .header("Authorization", "Bearer " + node.token()).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    Matcher m = relayed.matcher(response.body());
                    long newest = 0;
                    while (m.find()) {
                        newest = Long.parseLong(m.group(1));
                    }
                    sum += newest;
                } catch (IOException e) {
                    return Optional.empty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
            return sum >= atLeast ? Optional.of(sum) : Optional.empty();
        });
    }

    private static String base(RunningTestnet.Node node) {
        return "http://127.0.0.1:" + node.consolePort();
    }

    private WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ConsoleBrowserIT.CHROMIUM);
        // A reveal finding asks for confirmation in a dialog; none is expected for these files, but if one shows,
        // proceed.
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.ACCEPT);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--disable-default-apps", "--window-size=1280,1000",
                "--user-data-dir=" + work.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(ConsoleBrowserIT.CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile())
                .build();
        return new ChromeDriver(service, options);
    }

    private void signIn(RunningTestnet.Node node, WebDriverWait wait) {
        browser.get(base(node) + "/management/" + node.token());
        wait.until(d -> URI.create(d.getCurrentUrl()).getPath().equals("/console/")
                && !d.findElement(By.id("node-address")).getText().equals("…"));
    }

    /** Waits until element {@code id}'s text passes {@code condition}; fails with what it last showed. */
    private String waitForText(WebDriverWait wait, String id, Predicate<String> condition, RunningTestnet.Node node) {
        String[] last = {null};
        try {
            return wait.until(d -> {
                try {
                    last[0] = d.findElement(By.id(id)).getText().strip();
                    return condition.test(last[0]) ? last[0] : null;
                } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                    return null;
                }
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("#" + id + " never showed what was expected; last: '" + last[0]
                    + "'; message box: '" + browser.findElement(By.id("message")).getText() + "'\n--- " + node.name()
                    + " log ---\n" + node.logTail(40), e);
        }
    }

    /** Clicks the share's "Copy link" and returns the label it changed to (clicks again if the list was redrawn). */
    private String copyLink(WebDriverWait wait) {
        return wait.until(d -> {
            try {
                WebElement button = shareRow(d, "holiday").findElement(By.cssSelector("button.copy-link"));
                button.click();
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < deadline) {
                    String label = button.getText();
                    if (!label.equals("Copy link")) {
                        return label;
                    }
                    Thread.sleep(50);
                }
                return null;
            } catch (StaleElementReferenceException | NullPointerException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    private static String text(java.util.function.Supplier<WebElement> find) {
        try {
            return find.get().getText();
        } catch (StaleElementReferenceException | NullPointerException e) {
            return null;
        }
    }

    private static WebElement shareRow(WebDriver driver, String name) {
        try {
            for (WebElement row : driver.findElements(By.cssSelector("#shares tbody tr"))) {
                if (row.getText().contains(name) && !row.findElements(By.cssSelector(".share-link")).isEmpty()) {
                    return row;
                }
            }
        } catch (StaleElementReferenceException e) {
            return null;
        }
        return null;
    }

    private static String downloadRow(WebDriver driver) {
        try {
            List<WebElement> rows = driver.findElements(By.cssSelector("#downloads tbody tr"));
            return rows.isEmpty() ? null : rows.get(0).getText();
        } catch (StaleElementReferenceException e) {
            return null;
        }
    }

    private String diagnostics() {
        return "\n--- node-1 ---\n" + testnet.node(1).logTail(40) + "\n--- node-2 ---\n" + testnet.node(2).logTail(40);
    }

    private static long elapsedMillis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void write(Path file, Random random, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
    }

    private static Map<String, String> sha256Tree(Path root) throws Exception {
        Map<String, String> digests = new TreeMap<>();
        assertTrue(Files.isDirectory(root), root + " is not a directory");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                digests.put(root.relativize(f).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            }
        }
        return digests;
    }

    private void screenshot(String name) throws IOException {
        Path dir = Path.of(System.getProperty("veilswarm.itests.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
