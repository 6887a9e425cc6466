package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Steps in the web console that the share-flow browser tests take alike (sign in, share a folder, paste a link into
 * Downloads, wait for a text), and the files they share. The console's lists refresh every few seconds: whatever
 * reads a row copes with it being redrawn while it looks.
 */
final class ConsolePage {
    private ConsolePage() {
    }

    /** Opens the management link and waits until the page has loaded the node (its address is shown). */
    static void signIn(WebDriver browser, WebDriverWait wait, String managementUrl) {
        browser.get(managementUrl);
        wait.until(d -> URI.create(d.getCurrentUrl()).getPath().equals("/console/")
                && !d.findElement(By.id("node-address")).getText().equals("…"));
    }

    /**
     * Waits until element {@code id}'s text passes {@code condition}; fails with what it last showed, the message
     * box and {@code log} under the heading {@code logName}.
     */
    static String waitForText(WebDriver browser, WebDriverWait wait, String id, Predicate<String> condition,
            String logName, Supplier<String> log) {
        String[] last = {null};
        try {
            return wait.until(d -> {
                try {
                    last[0] = d.findElement(By.id(id)).getText().strip();
                    return condition.test(last[0]) ? last[0] : null;
                } catch (StaleElementReferenceException | NoSuchElementException e) {
                    return null;
                }
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("#" + id + " never showed what was expected; last: '" + last[0]
                    + "'; message box: '" + browser.findElement(By.id("message")).getText() + "'\n--- " + logName
                    + " ---\n" + log.get(), e);
        }
    }

    /** Shares: submits {@code folder} by its path; returns {@link System#nanoTime()} at the click, for timings. */
    static long shareByPath(WebDriver browser, WebDriverWait wait, Path folder) {
        browser.findElement(By.id("tab-shares")).click();
        wait.until(d -> d.findElement(By.id("share-form")).isDisplayed());
        browser.findElement(By.cssSelector("#share-form input[name=path]")).sendKeys(folder.toString());
        long submitted = System.nanoTime();
        browser.findElement(By.cssSelector("#share-form button[type=submit]")).click();
        return submitted;
    }

    /**
     * A link given to Downloads.
     *
     * @param pasted whether it came from the clipboard (else it was typed)
     * @param submitted {@link System#nanoTime()} at the click that started the download, for timings
     */
    record GivenLink(boolean pasted, long submitted) {
    }

    /** The link in the row of share {@code name}, once the list shows it. */
    static String shareLink(WebDriverWait wait, String name) {
        return wait.until(d -> text(() -> shareRow(d, name).findElement(By.cssSelector(".share-link")))).strip();
    }

    /**
     * Clicks the "Copy link" of share {@code name} and returns the label it changed to. The list refreshes every
     * 5 s; should it be redrawn between finding the button and reading its label, click again.
     */
    static String copyLink(WebDriverWait wait, String name) {
        return wait.until(d -> {
            try {
                WebElement button = shareRow(d, name).findElement(By.cssSelector("button.copy-link"));
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

    /**
     * Downloads: pastes {@code link} (Ctrl+V when {@code copied} says the clipboard holds it; typed when it did not
     * carry it: headless, there is no clipboard daemon) and starts the download into {@code target}.
     *
     */
    static GivenLink downloadLink(WebDriver browser, WebDriverWait wait, String link, String copied, Path target) {
        browser.findElement(By.id("tab-downloads")).click();
        wait.until(d -> d.findElement(By.id("download-form")).isDisplayed());
        WebElement linkField = browser.findElement(By.cssSelector("#download-form input[name=link]"));
        if (copied.startsWith("Copied")) {
            linkField.sendKeys(Keys.chord(Keys.CONTROL, "v"));
        }
        boolean pasted = link.equals(linkField.getAttribute("value"));
        if (!pasted) {
            linkField.clear();
            linkField.sendKeys(link);
        }
        browser.findElement(By.cssSelector("#download-form input[name=dir]")).sendKeys(target.toString());
        long submitted = System.nanoTime();
        browser.findElement(By.cssSelector("#download-form button[type=submit]")).click();
        return new GivenLink(pasted, submitted);
    }

    /**
     * Waits until the first download's row shows 100 % and SEEDING and returns its text; fails at once when it
     * shows FAILED, saying so in {@code console} with {@code diagnostics}.
     */
    static String awaitDownloadSeeding(WebDriver browser, Duration timeout, String console,
            Supplier<String> diagnostics) {
        return new WebDriverWait(browser, timeout).until(d -> {
            String row = downloadRow(d);
            if (row != null && row.contains("FAILED")) {
                fail("the download failed in " + console + ": " + row + diagnostics.get());
            }
            return row != null && row.contains("100 %") && row.contains("SEEDING") ? row : null;
        });
    }

    /** The element's text, or null (ask again) when it is missing or was redrawn while we looked. */
    private static String text(Supplier<WebElement> find) {
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

    /** The bytes in {@link #holidayFolder}'s files. */
    static final long HOLIDAY_BYTES = 2 * 1024 * 1024 + 4321 + 999;

    /** {@code <work>/holiday}: {@code big.bin} and {@code day two/small.bin}, random bytes (seed 8). */
    static Path holidayFolder(Path work) throws IOException {
        Path folder = work.resolve("holiday");
        Files.createDirectories(folder.resolve("day two"));
        Random random = new Random(8);
        write(folder.resolve("big.bin"), random, 2 * 1024 * 1024 + 4321);
        write(folder.resolve("day two/small.bin"), random, 999);
        return folder;
    }

    /** Writes {@code size} bytes from {@code random} to {@code file}. */
    private static void write(Path file, Random random, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
    }

    /** The SHA-256 of every file below {@code root}, by its path relative to {@code root}. */
    static Map<String, String> sha256Tree(Path root) throws IOException, NoSuchAlgorithmException {
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
}
