module x
require lonely
