SELECT o.id, u.m['k'] AS v, o.addr->street, CASE WHEN o.price > 10 THEN 'big' ELSE 'small' END AS size_class,
  TRANSFORM(o.tags, x => UCASE(x)), REDUCE(u.m, 0, (s, k, v) => s + v), COUNT(*) AS n
FROM orders o LEFT JOIN users u WITHIN (1 HOUR, 2 MINUTES) GRACE PERIOD 5 SECONDS ON o.id = u.id
WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, GRACE PERIOD 1 MINUTE)
WHERE o.price BETWEEN 1 AND 100 AND o.addr IS NOT NULL AND o.tags[1] NOT LIKE 'x!%' ESCAPE '!'
GROUP BY o.id, u.m['k'] HAVING COUNT(*) > 1 EMIT FINAL LIMIT 10;
