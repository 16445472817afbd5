"""The API's views, a module per resource: parse the request, call one service or selector, render. Errors are
shaped by api.exceptions, conditional reads by api.conditional."""
