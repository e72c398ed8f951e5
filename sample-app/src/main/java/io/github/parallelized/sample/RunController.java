package io.github.parallelized.sample;

import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The REST API: {@code POST /api/runs} starts a run, {@code GET /api/runs[/{id}]} shows runs with their recent
 * failures, {@code DELETE /api/runs/{id}} cancels one, {@code POST /api/runs/{id}/failed-again} runs the failed inputs of
 * a finished one again. Errors answer a {@code ProblemDetail} (RFC 9457).
 */
@RestController
@RequestMapping("/api/runs")
public class RunController {

    private final RunService service;

    /**
     * Creates the controller.
     *
     * @param service the service that runs the work
     */
    public RunController(RunService service) {
        this.service = service;
    }

    /**
     * Starts a run in the background.
     *
     * @param request for instance {@code {"kind":"cpu","count":1000}}
     * @return 201 with the run and its {@code Location}
     */
    @PostMapping
    public ResponseEntity<RunView> start(@RequestBody RunRequest request) {
        RunView run = service.start(request);
        return ResponseEntity.created(URI.create("/api/runs/" + run.id())).body(run);
    }

    /**
     * Lists the runs the service remembers.
     *
     * @return the runs: live ones in start order, then finished ones, the latest first
     */
    @GetMapping
    public List<RunView> list() {
        return service.list();
    }

    /**
     * Shows one run: progress and the failures so far.
     *
     * @param id the run's id
     * @return the run
     * @throws UnknownRunException (404) if there is no such run
     */
    @GetMapping("/{id}")
    public RunView get(@PathVariable String id) {
        return service.find(id).orElseThrow(() -> new UnknownRunException(id));
    }

    /**
     * Runs the failed inputs of a finished run again, and only those: a new run under the same checkpoint, which
     * skips what succeeded.
     *
     * @param id the finished run's id
     * @return 201 with the new run and its {@code Location}
     * @throws UnknownRunException (404) if there is no such run
     * @throws NothingToRunAgainException (409) if it is still going on, nothing failed, or a run of its failed inputs
     *                                    is going on
     */
    @PostMapping("/{id}/failed-again")
    public ResponseEntity<RunView> runFailedAgain(@PathVariable String id) {
        RunView run = service.runFailedAgain(id).orElseThrow(() -> new UnknownRunException(id));
        return ResponseEntity.created(URI.create("/api/runs/" + run.id())).body(run);
    }

    /**
     * Cancels a run; the inputs it took but did not start become cancelled outcomes, the source is read no
     * further. Cancelling an ended run changes nothing.
     *
     * @param id the run's id
     * @return the run just after the cancel
     * @throws UnknownRunException (404) if there is no such run
     */
    @DeleteMapping("/{id}")
    public RunView cancel(@PathVariable String id) {
        return service.cancel(id).orElseThrow(() -> new UnknownRunException(id));
    }
}
