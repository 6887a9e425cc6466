package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.veilswarm.itests.support.HeadlessChromium;

/**
 * The console's statistics and logs tabs in headless Chromium, on a node booted from this build's distribution:
 * the statistics tab draws the relay-traffic graph (SVG, our own script, no network) once the sampler has
 * enough samples, the shares tab shows its form and why shares are unavailable on a node without the share
 * bundle, and the logs tab shows a line logged three times as one "×3" row.
 */
class ConsolePagesBrowserIT extends NodeWithBrowser {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Default sampling is every 5 s and a rate needs two samples; the page refreshes every 5 s. */
    private static final Duration GRAPH_WAIT = Duration.ofSeconds(60);
    private static final String REPEATED = "pages browser test: relay circuit timed out";

    ConsolePagesBrowserIT() {
        super("console-pages-browser");
    }

    @Test
    void statisticsTabDrawsTheRelayGraphAndLogsTabFoldsRepeatedLines() throws IOException {
        URI managementUrl = node.consoleUrl(Duration.ofSeconds(60));
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        // The page has loaded the node once its address is shown: the tab buttons answer from then on.
        ConsolePage.signIn(browser, wait, managementUrl.toString());

        browser.findElement(By.id("tab-stats")).click();
        wait.until(dr -> dr.findElement(By.id("panel-stats")).isDisplayed()
                && !dr.findElements(By.cssSelector("#stats-charts svg.chart")).isEmpty());
        new WebDriverWait(browser, GRAPH_WAIT).until(dr -> graphLine(dr) != null);
        WebElement line = graphLine(browser);
        String d = line.getAttribute("d");
        assertTrue(d.startsWith("M") && d.contains("L"), "the relay graph's path has at least two points: " + d);
        assertTrue(browser.findElement(By.id("stats-totals")).getText().contains("direct"),
                "the direct transport is sampled");
        screenshot("console-statistics.png");

        // The shares tab renders its form; this node runs without the share bundle, so the page says why the list
        // is empty instead of showing nothing.
        browser.findElement(By.id("tab-shares")).click();
        wait.until(dr -> dr.findElement(By.id("panel-shares")).isDisplayed()
                && dr.findElement(By.id("share-form")).isDisplayed());
        wait.until(dr -> dr.findElement(By.id("message")).getText().contains("org.veilswarm.share"));
        screenshot("console-shares-unavailable.png");

        for (int i = 0; i < 3; i++) {
            logWarning(node.framework().getBundleContext(), REPEATED);
        }
        browser.findElement(By.id("tab-logs")).click();
        wait.until(dr -> logRow(dr) != null);
        String row = logRow(browser);
        assertTrue(row.contains("×3"), "three identical warnings fold into one row: " + row);
        assertTrue(row.contains("WARN"), row);
        assertFalse(browser.findElement(By.id("logs-unavailable")).isDisplayed(), "Felix Log is in the core feature");
        screenshot("console-logs.png");
        assertEquals("logs", URI.create(browser.getCurrentUrl()).getFragment(), "the tab is in the address");
    }

    private static WebElement graphLine(WebDriver driver) {
        try {
            List<WebElement> lines = driver.findElements(By.cssSelector("#stats-charts svg.chart path.chart-line"));
            return lines.isEmpty() ? null : lines.get(0);
        } catch (StaleElementReferenceException e) {
            return null; // redrawn while we looked: ask again
        }
    }

    private static String logRow(WebDriver driver) {
        try {
            for (WebElement row : driver.findElements(By.cssSelector("#logs tbody tr"))) {
                String text = row.getText();
                if (text.contains(REPEATED)) {
                    return text;
                }
            }
        } catch (StaleElementReferenceException e) {
            return null;
        }
        return null;
    }

    /**
     * Logs through the node's Log Service. Reflection: the service's package comes from Felix Log inside the
     * node, not from this test's class path.
     */
    private static void logWarning(BundleContext framework, String message) {
        try {
            ServiceReference<?>[] references = framework.getAllServiceReferences("org.osgi.service.log.LogService",
                    null);
            if (references == null) {
                fail("no LogService in the node: the core feature should start Felix Log");
            }
            Object service = framework.getService(references[0]);
            Class<?> api = references[0].getBundle().loadClass("org.osgi.service.log.LogService");
            api.getMethod("log", int.class, String.class).invoke(service, 2, message);
            framework.ungetService(references[0]);
        } catch (ReflectiveOperationException | InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private void screenshot(String name) throws IOException {
        HeadlessChromium.screenshot(browser, name);
    }
}
