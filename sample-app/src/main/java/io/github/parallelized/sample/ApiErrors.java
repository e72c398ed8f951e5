package io.github.parallelized.sample;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Turns the API's errors into {@link ProblemDetail} bodies (RFC 9457) that say what was wrong: 400 for a bad
 * or malformed request (with an {@code errors} list of field and message), 404 for an unknown run, 429 when too
 * many runs go on. Spring MVC's own errors (wrong method, media type...) come as problem details too.
 */
@RestControllerAdvice
public class ApiErrors extends ResponseEntityExceptionHandler {

    @ExceptionHandler
    ProblemDetail invalidRequest(InvalidRunRequestException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid run request");
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail unknownRun(UnknownRunException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Unknown run");
        return problem;
    }

    @ExceptionHandler
    ProblemDetail nothingToRunAgain(NothingToRunAgainException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Nothing to run again");
        return problem;
    }

    /** 429 with {@code Retry-After}: runs of the sample take seconds, so a client may try again soon. */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooManyRuns(TooManyRunsException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
        problem.setTitle("Too many runs");
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(TooManyRunsException.RETRY_AFTER.toSeconds()))
                .body(problem);
    }

    /** Malformed JSON, or a value of the wrong type: say where, instead of Spring's generic "Failed to read request". */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        String detail;
        String field = null;
        if (ex.getMostSpecificCause() instanceof JacksonException json) {
            field = json.getPath().stream()
                    .map(JacksonException.Reference::getPropertyName)
                    .filter(Objects::nonNull)
                    .collect(Collectors.joining("."));
            detail = "Malformed request body" + (field.isEmpty() ? "" : " at '" + field + "'") + ": "
                    + firstLine(json.getOriginalMessage());
        } else if (ex.getMessage() != null && ex.getMessage().startsWith("Required request body is missing")) {
            detail = "Request body is missing: send JSON such as {\"kind\": \"cpu\", \"count\": 1000}";
        } else {
            detail = "Malformed request body";
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Malformed request");
        if (field != null && !field.isEmpty()) {
            problem.setProperty("errors", List.of(Map.of("field", field, "message", detail)));
        }
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }
}
