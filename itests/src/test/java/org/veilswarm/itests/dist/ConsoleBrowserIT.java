package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.veilswarm.itests.support.BundleJars;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.launcher.BundleSource;
import org.veilswarm.launcher.FeatureSource;
import org.veilswarm.launcher.VeilswarmNode;

/**
 * The web console in a real browser: a node booted with the launcher API from this build's distribution
 * (bundles/ in Maven repository layout, features/), and the Debian Chromium driven headless through
 * chromedriver. The operator's path: open the management URL, land on /console/, see the node's address and
 * the bundle table, install a bundle by uploading a jar, start, stop and uninstall it. Each step is checked in
 * the page and in the node's framework. Screenshots go to {@code veilswarm.itests.screenshots} (target/screenshots;
 * the pom says how to refresh docs/img/console-*.png, which docs/console.md shows).
 */
class ConsoleBrowserIT {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String INSTALL_HINT = "install chromium and chromium-driver: apt-get install -y chromium chromium-driver"
            + " (the test script test.sh does this)";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FIXTURE_BSN = "org.veilswarm.itests.browser-upload";

    private VeilswarmNode node;
    private WebDriver browser;
    private Path work;

    @BeforeEach
    void startNodeAndBrowser() {
        // Never skipped: a machine without the browser fails this test with the remedy.
        for (String executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(executable))) {
                fail(executable + " is missing: " + INSTALL_HINT);
            }
        }
        Path home = Distribution.home();
        work = Distribution.freshDirectory("console-browser");
        node = VeilswarmNode.builder()
                .dataDirectory(work.resolve("data"))
                .features("core", "console", "transport-direct")
                .bundleSource(BundleSource.mavenRepository(home.resolve("bundles")))
                .featureSource(FeatureSource.directory(home.resolve("features")))
                .consolePort(Ports.freeLoopbackPort())
                .build();
        node.start();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--disable-default-apps", "--window-size=1280,1000",
                "--user-data-dir=" + work.resolve("chromium-profile"));
        // The driver executable is given: Selenium Manager has nothing to look up or download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile())
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowserAndNode() {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (node != null) {
                node.stop();
            }
        }
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
        Path dir = Path.of(System.getProperty("veilswarm.itests.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
