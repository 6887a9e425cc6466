package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.HeadlessChromium;
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
        HeadlessChromium.requireInstalled();
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
        Path folder = ConsolePage.holidayFolder(work);

        testnet = RunningTestnet.start(Distribution.home().resolve("bin/veilswarm"), work.resolve("testnet"), NODES,
                AUTHORITIES, READY_TIMEOUT, Map.of());
        long readyMillis = elapsedMillis(started);
        RunningTestnet.Node one = testnet.node(1);
        RunningTestnet.Node two = testnet.node(2);
        // A reveal finding asks for confirmation in a dialog; none is expected for these files, but if one shows,
        // proceed.
        browser = HeadlessChromium.start(work, true);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        // Node 1: share the folder by its path; the link names node 1's onion service.
        signIn(one, wait);
        String windowOne = browser.getWindowHandle();
        long shareStarted = ConsolePage.shareByPath(browser, wait, folder);
        waitForText(new WebDriverWait(browser, SHARE_WAIT), "share-progress", t -> t.contains("Shared:"), one);
        long shareMillis = elapsedMillis(shareStarted);
        String link = ConsolePage.shareLink(wait, "holiday");
        Matcher onion = ONION_LINK.matcher(link);
        assertTrue(onion.matches(), "an onion share link: " + link);
        assertEquals(one.address(), onion.group(1), "the link names node 1's onion address");
        String copied = ConsolePage.copyLink(wait, "holiday");
        assertTrue(copied.equals("Copied ✓") || copied.equals("Selected: press Ctrl+C"), copied);
        HeadlessChromium.screenshot(browser, "console-onion-shares.png");

        // Node 2: paste the link into Downloads and watch it reach 100 %.
        browser.switchTo().newWindow(WindowType.TAB);
        signIn(two, wait);
        Path target = work.resolve("downloads");
        ConsolePage.GivenLink given = ConsolePage.downloadLink(browser, wait, link, copied, target);
        boolean pasted = given.pasted();
        String done = ConsolePage.awaitDownloadSeeding(browser, DOWNLOAD_WAIT, "node 2's console", this::diagnostics);
        long downloadMillis = elapsedMillis(given.submitted());
        assertTrue(done.contains("holiday"), done);
        HeadlessChromium.screenshot(browser, "console-onion-downloads.png");
        assertEquals(ConsolePage.sha256Tree(folder), ConsolePage.sha256Tree(target.resolve("holiday")),
                "node 2's files equal node 1's");

        // Statistics: the onion transport reports circuits, and relays of the testnet counted what they carried.
        long relayedByTestnet = awaitRelayedByTestnet(1);
        browser.findElement(By.id("tab-stats")).click();
        String circuits = waitForText(wait, "stats-circuits", t -> t.contains("own open"), two);
        wait.until(d -> !d.findElements(By.cssSelector("#stats-charts svg path[data-series='own open']")).isEmpty());
        waitForText(wait, "stats-relayed", t -> !t.isEmpty() && !t.equals("–"), two);
        // Onion services: node 2 reached node 1's services to download, so its transport counted connects made.
        String services = waitForText(wait, "stats-services",
                t -> t.contains("connects ") && !t.contains("connects 0 made"), two);
        assertTrue(services.contains(" published, "), services);
        wait.until(d -> !d.findElements(By.cssSelector("#stats-charts svg path[data-series='accepted']")).isEmpty());
        // The circuits graph is the last one: scroll so the picture shows it with the totals below.
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "document.querySelector(\"#stats-charts svg:last-of-type\").scrollIntoView()");
        HeadlessChromium.screenshot(browser, "console-statistics-circuits.png");

        // Directory: the consensus every node uses, with every node's relay.
        browser.findElement(By.id("tab-directory")).click();
        waitForText(wait, "directory-active", t -> t.startsWith("consensus"), two);
        waitForText(wait, "directory-relays", t -> t.equals(Integer.toString(NODES)), two);
        waitForText(wait, "directory-page", t -> t.endsWith("of " + NODES), two);
        assertEquals(NODES, browser.findElements(By.cssSelector("#directory-relays-table tbody tr")).size());
        HeadlessChromium.screenshot(browser, "console-directory.png");

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
        HeadlessChromium.screenshot(browser, "console-settings-limits.png");

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

    private void signIn(RunningTestnet.Node node, WebDriverWait wait) {
        ConsolePage.signIn(browser, wait, base(node) + "/management/" + node.token());
    }

    private String waitForText(WebDriverWait wait, String id, Predicate<String> condition, RunningTestnet.Node node) {
        return ConsolePage.waitForText(browser, wait, id, condition, node.name() + " log", () -> node.logTail(40));
    }

    private String diagnostics() {
        return "\n--- node-1 ---\n" + testnet.node(1).logTail(40) + "\n--- node-2 ---\n" + testnet.node(2).logTail(40);
    }

    private static long elapsedMillis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
