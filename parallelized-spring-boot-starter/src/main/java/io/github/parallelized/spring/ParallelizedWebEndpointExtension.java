package io.github.parallelized.spring;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The web side of the {@code parallelized} endpoint: {@code DELETE} of an unknown id answers 404 (a plain
 * endpoint would answer 204 for a delete without a result), as the dashboard contract requires.
 */
@EndpointWebExtension(endpoint = ParallelizedEndpoint.class)
class ParallelizedWebEndpointExtension {

    private final ParallelizedEndpoint endpoint;

    ParallelizedWebEndpointExtension(ParallelizedEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** {@code DELETE /actuator/parallelized/{id}}: cancels the run and answers it with 200, or 404. */
    @DeleteOperation
    public WebEndpointResponse<RunDescriptor> cancel(@Selector String id) {
        RunDescriptor run = endpoint.cancel(id);
        return run == null ? new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND)
                : new WebEndpointResponse<>(run, WebEndpointResponse.STATUS_OK);
    }
}
