package org.veilswarm.itests.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The Debian Chromium driven headless through its chromedriver, for the console's browser tests. The driver
 * executable is given: Selenium Manager has nothing to look up or download.
 */
public final class HeadlessChromium {
    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    public static final String INSTALL_HINT = "install chromium and chromium-driver: apt-get install -y chromium"
            + " chromium-driver (the test script test.sh does this)";

    private HeadlessChromium() {
    }

    /** Never skipped: a machine without the browser fails the test with the remedy. */
    public static void requireInstalled() {
        for (String executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(executable))) {
                fail(executable + " is missing: " + INSTALL_HINT);
            }
        }
    }

    /**
     * Starts a browser with its profile ({@code chromium-profile}) and the driver's log ({@code chromedriver.log})
     * in {@code work}.
     *
     * @param acceptDialogs whether a dialog nobody handles is accepted (a share's reveal finding asks for
     *                      confirmation in one) rather than failing the next command
     */
    public static WebDriver start(Path work, boolean acceptDialogs) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        if (acceptDialogs) {
            options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.ACCEPT);
        }
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--disable-default-apps", "--window-size=1280,1000",
                "--user-data-dir=" + work.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile())
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * Saves what {@code browser} shows as {@code name} in {@code veilswarm.itests.screenshots} (target/screenshots;
     * the itests pom says how to refresh docs/img/console-*.png from there).
     */
    public static void screenshot(WebDriver browser, String name) throws IOException {
        Path dir = Path.of(System.getProperty("veilswarm.itests.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
