-module(calendar_module).
-export([main/0]).
%% calendar: date arithmetic on fixed dates (no clock).
main() ->
    DT = {{2024, 2, 29}, {13, 45, 30}},
    erlang:display(calendar:datetime_to_gregorian_seconds(DT)),
    erlang:display(calendar:gregorian_seconds_to_datetime(63000000000)),
    erlang:display(calendar:date_to_gregorian_days({2000, 1, 1})),
    erlang:display(calendar:gregorian_days_to_date(739000)),
    erlang:display(calendar:day_of_the_week({2024, 2, 29})),
    erlang:display([calendar:is_leap_year(Y) || Y <- [1900, 2000, 2023, 2024]]),
    erlang:display(calendar:last_day_of_the_month(2023, 2)),
    erlang:display(calendar:valid_date({2023, 2, 29})),
    erlang:display(calendar:iso_week_number({2021, 1, 3})),
    erlang:display(calendar:time_difference({{2024, 1, 1}, {0, 0, 0}}, DT)),
    erlang:display(calendar:seconds_to_daystime(100000)),
    erlang:display(calendar:seconds_to_time(3725)),
    erlang:display(calendar:time_to_seconds({1, 2, 5})),
    erlang:display(calendar:system_time_to_rfc3339(1700000000, [{offset, "Z"}])),
    erlang:display(calendar:rfc3339_to_system_time("2024-02-29T13:45:30Z")),
    erlang:display(calendar:system_time_to_universal_time(1700000000, second)),
    erlang:display(calendar:date_to_gregorian_days(2024, 12, 31) - calendar:date_to_gregorian_days(2024, 1, 1)).
