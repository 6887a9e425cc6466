package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.veilswarm.itests.support.BundleJars;
import org.veilswarm.itests.support.HeadlessChromium;

/**
 * The web console in a real browser: a node booted with the launcher API from this build's distribution
 * (bundles/ in Maven repository layout, features/), and the Debian Chromium driven headless through
 * chromedriver. The operator's path: open the management URL, land on /console/, see the node's address and
 * the bundle table, install a bundle by uploading a jar, start, stop and uninstall it. Each step is checked in
 * the page and in the node's framework. Screenshots go to {@code veilswarm.itests.screenshots} (target/screenshots;
 * the pom says how to refresh docs/img/console-*.png, which docs/console.md shows).
 */
class ConsoleBrowserIT extends NodeWithBrowser {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FIXTURE_BSN = "org.veilswarm.itests.browser-upload";

    ConsoleBrowserIT() {
        super("console-browser");
    }

    @Test
    void operatorInstallsStartsStopsAndUninstallsABundleInTheConsole() throws IOException {
        URI managementUrl = node.consoleUrl(Duration.ofSeconds(60));
        String address = node.address(Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError("node has no address"));
        BundleContext framework = node.framework().getBundleContext();
        WebDriverWait wait = new WebDriverWait(browser, WAIT);

        browser.get(managementUrl.toString());
        wait.until(d -> URI.create(d.getCurrentUrl()).getPath().equals("/console/"));
        assertTrue(!browser.getCurrentUrl().contains(managementUrl.getPath()), "the token stayed in the address bar");
        wait.until(ExpectedConditions.textToBe(By.id("node-address"), address));
        wait.until(d -> row(d, "org.veilswarm.console").isPresent());
        assertTrue(browser.findElement(By.id("node-transports")).getText().contains("direct"));
        screenshot("console-overview.png");

        // Install by upload: the file input gets the path, as a user's file chooser would.
        Path jar = BundleJars.write(work, "browser-upload.jar", BundleJars.bundle(FIXTURE_BSN, "3.1.4"));
        WebElement form = browser.findElement(By.id("install-form"));
        WebElement start = form.findElement(By.name("start"));
        if (start.isSelected()) {
            start.click();
        }
        form.findElement(By.name("file")).sendKeys(jar.toString());
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> state(d).filter(s -> s.equals("INSTALLED") || s.equals("RESOLVED")).isPresent());
        Bundle bundle = bundle(framework);
        assertNotNull(bundle, "the page shows " + FIXTURE_BSN + " but the framework does not have it");
        assertEquals("3.1.4", bundle.getVersion().toString());
        screenshot("console-installed.png");

        clickAction("Start");
        wait.until(d -> state(d).filter("ACTIVE"::equals).isPresent());
        assertEquals(Bundle.ACTIVE, bundle.getState());
        screenshot("console-started.png");

        clickAction("Stop");
        wait.until(d -> state(d).filter("RESOLVED"::equals).isPresent());
        assertEquals(Bundle.RESOLVED, bundle.getState());

        clickAction("Uninstall");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> row(d, FIXTURE_BSN).isEmpty());
        assertNull(bundle(framework), "the page no longer lists " + FIXTURE_BSN + " but the framework still has it");
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        screenshot("console-uninstalled.png");
    }

    private void clickAction(String label) {
        WebElement row = row(browser, FIXTURE_BSN).orElseThrow(() -> new AssertionError(FIXTURE_BSN + " is not listed"));
        row.findElement(By.xpath(".//button[normalize-space()='" + label + "']")).click();
    }

    /** The bundle table's row whose symbolic name is {@code bsn}. */
    private static Optional<WebElement> row(WebDriver driver, String bsn) {
        try {
            for (WebElement row : driver.findElements(By.cssSelector("#bundles tbody tr"))) {
                if (row.findElements(By.cssSelector(".sub.mono")).stream().anyMatch(e -> e.getText().equals(bsn))) {
                    return Optional.of(row);
                }
            }
        } catch (StaleElementReferenceException e) {
            return Optional.empty(); // the table was re-rendered while we read it: ask again
        }
        return Optional.empty();
    }

    /** The state the page shows for the fixture bundle. */
    private static Optional<String> state(WebDriver driver) {
        try {
            return row(driver, FIXTURE_BSN).map(r -> r.findElement(By.cssSelector(".badge")).getText().trim());
        } catch (StaleElementReferenceException | NoSuchElementException e) {
            return Optional.empty();
        }
    }

    private static Bundle bundle(BundleContext framework) {
        for (Bundle b : framework.getBundles()) {
            if (FIXTURE_BSN.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private void screenshot(String name) throws IOException {
        HeadlessChromium.screenshot(browser, name);
    }
}
